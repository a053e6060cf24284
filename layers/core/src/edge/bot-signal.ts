import { visitorVerdict } from '../domain/visitor-policy';

/** Why a request looks automated: the user-agent rule the regional API applies, then header heuristics. */
export type BotSignal = 'user-agent' | 'no-accept-language' | 'no-accept';

/**
 * Flags a request as a bot: no user agent or a known bot's (the same rule as the regional API's
 * visitor verdict), or a navigation without the headers every browser sends (`Accept-Language`,
 * `Accept`). `present` says whether a header was sent when its value may be unknown (real-time logs
 * cut `cs-headers` at 800 bytes); by default a header is present when it has a value.
 * @example botSignal({ 'user-agent': 'curl/8.5.0', accept: '*\/*' }) // 'user-agent'
 */
export function botSignal(
  headers: Readonly<Record<string, string | undefined>>,
  present: (name: string) => boolean = (name) => (headers[name] ?? '').length > 0,
): BotSignal | undefined {
  if (visitorVerdict({ userAgent: headers['user-agent'], gpcHeader: undefined, gpcMode: 'ignore' }).drop === 'bot') return 'user-agent';
  if (!present('accept-language')) return 'no-accept-language';
  if (!present('accept')) return 'no-accept';
  return undefined;
}
