import type { HttpPost } from './event';

/**
 * The default HttpPost: global fetch with a timeout over the whole exchange (the signal also
 * aborts reading the body). Redirects are not followed: a POST redirected to a GET would lose its
 * body, so a 3xx surfaces as an error the adapters report as a misconfigured URL.
 * @example const response = await httpPost('https://example.com/hook', { headers: {}, body: '{}', timeoutMs: 5000 })
 */
export const httpPost: HttpPost = async (url, init) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(init.timeoutMs),
  });
  return { status: response.status, headers: response.headers, text: () => response.text() };
};
