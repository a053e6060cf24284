import UAParser from 'ua-parser-js';

// Its own module, apart from domain/devices.ts: the request paths record devices but never parse a
// user agent, so collect and redirect bundle no parser (about 20 KiB of their cold start).

export interface UserAgentSummary {
  readonly browser?: { readonly name?: string; readonly version?: string };
  readonly os?: { readonly name?: string; readonly version?: string };
  /** ua-parser-js's device type (`mobile`, `tablet`, `smarttv`, `console`, `wearable`, `embedded`), or `desktop` when it names none. */
  readonly deviceType?: string;
}

/**
 * Browser, OS and device type of a user agent (ua-parser-js 1.x, MIT). Parsed when read, so a
 * parser update improves old items too.
 * @example describeUserAgent('Mozilla/5.0 (iPhone; …) … Mobile/15E148 Safari/604.1') // { browser: { name: 'Mobile Safari', … }, os: { name: 'iOS', … }, deviceType: 'mobile' }
 */
export function describeUserAgent(userAgent: string | undefined): UserAgentSummary {
  if (userAgent === undefined || userAgent.length === 0) return {};
  const result = new UAParser(userAgent.slice(0, 512)).getResult();
  const part = (value: { name?: string; version?: string }) =>
    value.name === undefined ? undefined : { name: value.name, ...(value.version === undefined ? {} : { version: value.version }) };
  return {
    browser: part(result.browser),
    os: part(result.os),
    deviceType: result.device.type ?? 'desktop',
  };
}
