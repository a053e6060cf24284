import { PassThrough } from 'node:stream';
import { progressBar } from '../../../bin/lib/progress';

function stream(tty: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  out.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { out, text: () => text };
}

describe('progressBar()', () => {
  it('draws a bar with the share of the table scanned on a terminal, and ends the line', () => {
    const { out, text } = stream(true);
    const bar = progressBar(out, 200_000);
    bar.update(50_000, 1_234);
    bar.done();
    expect(text()).toMatch(/^\r\x1b\[K\[######------------------\]  25%  scanned 50,000 of ~200,000, exported 1,234  [\d.]+ s/);
    expect(text().endsWith('\n')).toBe(true);
  });

  it('caps at 100% when the approximate count is behind, and shows counts alone without one', () => {
    const capped = stream(true);
    const bar = progressBar(capped.out, 10);
    bar.update(15, 15);
    bar.done();
    expect(capped.text()).toContain('[########################] 100%');
    const unknown = stream(true);
    const counts = progressBar(unknown.out, undefined);
    counts.update(7, 3);
    counts.done();
    expect(unknown.text()).toMatch(/^\r\x1b\[Kscanned 7, exported 3  [\d.]+ s/);
  });

  it('writes nothing when the stream is not a terminal (pipes, files, CI logs)', () => {
    const { out, text } = stream(false);
    const bar = progressBar(out, 100);
    bar.update(50, 50);
    bar.done();
    expect(text()).toBe('');
  });
});
