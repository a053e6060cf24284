import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AggregateJournal, JournalEntry } from './journaled-aggregate-store';

/**
 * The journal as one JSON file, replaced by write-then-rename so a reader sees the old entry or the
 * new one, never half of one. A killed process keeps what it wrote (the page cache outlives it).
 * @example const journal = fileJournal('.edgeprint/aggregate-journal.json')
 */
export function fileJournal(path: string): AggregateJournal {
  return {
    read(): JournalEntry | undefined {
      if (!existsSync(path)) return undefined;
      return JSON.parse(readFileSync(path, 'utf8')) as JournalEntry;
    },
    write(entry) {
      writeFileSync(`${path}.tmp`, JSON.stringify(entry));
      renameSync(`${path}.tmp`, path);
    },
  };
}
