import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpPost } from '../../../../layers/core/src/forwarding/http-post';

describe('httpPost()', () => {
  let server: Server;
  let base = '';
  const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/redirect') res.writeHead(307, { location: '/ok' }).end();
        else if (req.url === '/slow') timers.add(setTimeout(() => res.end('late'), 2000));
        else res.writeHead(201, { 'x-answer': 'yes' }).end('created');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('POSTs the body and headers and returns status, headers and text', async () => {
    const response = await httpPost(`${base}/ok`, { headers: { 'content-type': 'application/json', 'x-test': '1' }, body: '{"a":1}', timeoutMs: 2000 });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.text()).toBe('created');
    expect(seen).toEqual([expect.objectContaining({ method: 'POST', body: '{"a":1}', headers: expect.objectContaining({ 'x-test': '1' }) })]);
  });

  it('does not follow redirects, so a POST body is never replayed as a GET', async () => {
    const response = await httpPost(`${base}/redirect`, { headers: {}, body: 'x', timeoutMs: 2000 });
    expect(response.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it('aborts after timeoutMs with a TimeoutError', async () => {
    const error = await httpPost(`${base}/slow`, { headers: {}, body: 'x', timeoutMs: 150 }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
  });
});
