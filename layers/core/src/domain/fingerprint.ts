import { createHmac } from 'node:crypto';
import { networkPrefix } from './ip';
import type { RequestSignals, SignalHeader } from './request-signals';

/** Version of the request-fingerprint algorithm, stored with every id so it can change without corrupting history. */
export const FINGERPRINT_VERSION = 1;
/** Version 2: version 1's signals plus CloudFront's JA4 TLS fingerprint; used only with `ja4: true` (EDGEPRINT_FINGERPRINT_JA4). */
export const FINGERPRINT_VERSION_JA4 = 2;

/**
 * Headers that stay the same across the requests one browser makes (a navigation, a beacon, a fetch).
 * `Accept` and `Referer` are left out on purpose: they differ per request type, so including them
 * would give a browser's navigation and its collect beacon different ids.
 */
export const STABLE_HEADERS: readonly SignalHeader[] = [
  'user-agent',
  'accept-language',
  'accept-encoding',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
];

export interface RequestFingerprint {
  readonly id: string;
  readonly version: number;
}

/** The canonical string the hash is taken over: sorted `name=value` lines. */
export function canonicalSignals(signals: RequestSignals): string {
  const lines = STABLE_HEADERS.map((name) => `${name}=${signals.headers[name] ?? ''}`);
  lines.push(`net=${networkPrefix(signals.ip)}`);
  return lines.sort().join('\n');
}

/**
 * A stable, keyed id for a browser on a network. The full IP may be used in memory (for its prefix)
 * but only the keyed hash leaves this function.
 * @example requestFingerprint(signals, config.fingerprintSecret).id // 'b3Jx…' (22 chars)
 */
export function requestFingerprint(signals: RequestSignals, secret: string, options: { readonly ja4?: boolean } = {}): RequestFingerprint {
  if (options.ja4 === true) {
    const lines = [...canonicalSignals(signals).split('\n'), `ja4=${signals.headers['cloudfront-viewer-ja4-fingerprint'] ?? ''}`].sort();
    const digest = createHmac('sha256', secret).update(`v${FINGERPRINT_VERSION_JA4}\n${lines.join('\n')}`).digest();
    return { id: digest.subarray(0, 16).toString('base64url'), version: FINGERPRINT_VERSION_JA4 };
  }
  const digest = createHmac('sha256', secret).update(`v${FINGERPRINT_VERSION}\n${canonicalSignals(signals)}`).digest();
  return { id: digest.subarray(0, 16).toString('base64url'), version: FINGERPRINT_VERSION };
}
