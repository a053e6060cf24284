export interface Progress {
  update(scanned: number, exported: number): void;
  done(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, done: () => undefined };
const WIDTH = 24;
const EVERY_MS = 100;

/**
 * A one-line progress bar on a terminal (redrawn at most 10 times a second), nothing elsewhere,
 * so logs and pipes stay clean. `total` is the table's approximate item count, when known.
 * @example const bar = progressBar(process.stderr, 120_000); bar.update(60_000, 1_200); bar.done()
 */
export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number | undefined): Progress {
  if (stream.isTTY !== true) return NO_PROGRESS;
  const started = Date.now();
  let drawnAt = 0;
  const draw = (scanned: number, exported: number): void => {
    const counts = `scanned ${scanned.toLocaleString('en')}${total ? ` of ~${total.toLocaleString('en')}` : ''}, exported ${exported.toLocaleString('en')}`;
    const seconds = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (!total) {
      stream.write(`\r\x1b[K${counts}  ${seconds}`);
      return;
    }
    const ratio = Math.min(1, scanned / total);
    const filled = Math.round(ratio * WIDTH);
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${counts}  ${seconds}`);
  };
  let last = { scanned: 0, exported: 0 };
  return {
    update(scanned, exported) {
      last = { scanned, exported };
      const now = Date.now();
      if (now - drawnAt < EVERY_MS) return;
      drawnAt = now;
      draw(scanned, exported);
    },
    done() {
      draw(last.scanned, last.exported);
      stream.write('\n');
    },
  };
}
