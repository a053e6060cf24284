import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { exportItems } from '../../bin/lib/commands/export';
import { createTableContext } from '../../layers/core/src/store/client';

/**
 * The control of the constant-memory test: the same export, but its output held in memory until the
 * end (what an exporter without streaming does). Usage: tsx buffered-export.ts <endpoint> <table> <out>.
 */
async function main([endpoint, tableName, out]: string[]): Promise<void> {
  const table = createTableContext({ tableName: tableName!, region: 'us-east-1', endpoint });
  const held: string[] = [];
  const memory = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      held.push(chunk);
      callback();
    },
  });
  await exportItems(table, { type: 'activity', format: 'jsonl', segments: 1 }, memory);
  writeFileSync(out!, held.join(''));
  table.client.destroy();
}

void main(process.argv.slice(2));
