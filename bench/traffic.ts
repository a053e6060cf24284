import type autocannon from 'autocannon';

export type RawRequest = autocannon.RawRequest;

/**
 * The headers of a desktop Chrome navigation. The load runs and the write-unit measurement send the
 * same ones, so stored items (and so their write units, which depend on item size) have the same size.
 */
export const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9,fr;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  referer: 'https://site.example/',
  'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
};

/** A FingerprintJS-sized visitor id, as the snippet sends it. */
export const VISITOR_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** The JSON a `sendBeacon` pageview carries (sent as text/plain). */
export function pageviewBody(url: string): string {
  return JSON.stringify({
    id: VISITOR_ID,
    url,
    ref: 'https://search.example/?q=edgeprint',
    title: 'An article on site.example',
    event: 'pageview',
    confidence: 0.6,
  });
}
