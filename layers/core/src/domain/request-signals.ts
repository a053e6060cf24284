/** The request headers a request fingerprint keeps, each with its length cap. */
export const SIGNAL_HEADERS = {
  'user-agent': 512,
  accept: 512,
  'accept-language': 256,
  'accept-encoding': 128,
  referer: 2048,
  'sec-ch-ua': 256,
  'sec-ch-ua-mobile': 8,
  'sec-ch-ua-platform': 64,
  // TLS and header-order signals CloudFront adds (only kept when fronted by our distribution; see CLOUDFRONT_TLS_HEADERS).
  'cloudfront-viewer-ja3-fingerprint': 64,
  'cloudfront-viewer-ja4-fingerprint': 64,
  'cloudfront-viewer-header-order': 512,
  'cloudfront-viewer-header-count': 4,
} as const;

/**
 * Signal headers only CloudFront can vouch for: a client reaching the API directly could send any
 * value, so they are dropped unless the API is fronted by our distribution (trustCloudFrontViewerAddress).
 */
export const CLOUDFRONT_TLS_HEADERS = [
  'cloudfront-viewer-ja3-fingerprint',
  'cloudfront-viewer-ja4-fingerprint',
  'cloudfront-viewer-header-order',
  'cloudfront-viewer-header-count',
] as const;

export type SignalHeader = keyof typeof SIGNAL_HEADERS;

/** The signals of one request, capped and ready to store or hash. */
export interface RequestSignals {
  readonly ip?: string;
  readonly country?: string;
  /** The viewer's network (autonomous system number), when the recording path knows it (CloudFront real-time logs). */
  readonly asn?: number;
  readonly headers: Partial<Record<SignalHeader, string>>;
}

const COUNTRY_HEADERS = ['cloudfront-viewer-country', 'cf-ipcountry'] as const;

/**
 * Picks the fingerprint signals out of lower-cased request headers.
 * @example requestSignals({ 'user-agent': 'Mozilla/5.0' }, '203.0.113.7')
 */
export function requestSignals(headers: Readonly<Record<string, string | undefined>>, ip: string | undefined): RequestSignals {
  const picked: Partial<Record<SignalHeader, string>> = {};
  for (const [name, cap] of Object.entries(SIGNAL_HEADERS) as [SignalHeader, number][]) {
    const value = headers[name];
    if (value !== undefined && value.length > 0) picked[name] = value.slice(0, cap);
  }
  let country: string | undefined;
  for (const name of COUNTRY_HEADERS) {
    const value = headers[name]?.trim().toUpperCase();
    if (value !== undefined && /^[A-Z]{2}$/.test(value)) {
      country = value;
      break;
    }
  }
  return { ip, country, headers: picked };
}
