import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SQSEvent } from 'aws-lambda';
import { CHECKPOINT_LAG_MS, checkpointAt, feedFiles, pinOf, startCheckpoints } from '../../../infra/local/change-feed';
import { startEmbeddedDynamo } from '../../../infra/local/embedded-dynamodb';
import { startLocalSqs } from '../../../infra/local/local-sqs';

const iso = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());

describe('checkpointAt()', () => {
  it('is never after an unfinished pin, nor after now − the lag, and is one of the two', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') }), fc.option(iso, { nil: undefined }), (now, pin) => {
        const checkpoint = checkpointAt(now, pin);
        const lagged = new Date(now - CHECKPOINT_LAG_MS).toISOString();
        expect(checkpoint <= lagged).toBe(true);
        if (pin !== undefined) expect(checkpoint <= pin).toBe(true);
        expect([lagged, pin]).toContain(checkpoint);
      }),
    );
  });
});

describe('pinOf()', () => {
  it('is the earlier of at and createdAt', () => {
    fc.assert(
      fc.property(fc.option(iso, { nil: undefined }), fc.option(iso, { nil: undefined }), (at, createdAt) => {
        const pin = pinOf({ ...(at === undefined ? {} : { at: { S: at } }), ...(createdAt === undefined ? {} : { createdAt: { S: createdAt } }) });
        const times = [at, createdAt].filter((time): time is string => time !== undefined).sort();
        expect(pin).toBe(times[0]);
      }),
    );
  });
});

/** The checkpoint file, written by startCheckpoints() from a real in-memory queue. */
describe('startCheckpoints() over the local queue', () => {
  it('the checkpoint never passes an unfinished event: held at its pin while the consumer holds it, moved on once it is finished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-feed-'));
    const dynamo = await startEmbeddedDynamo();
    const queue = await startLocalSqs({ dynamodbEndpoint: dynamo.endpoint, pollIntervalMs: 5 });
    const files = feedFiles(dir);
    try {
      const now = Date.parse('2026-12-06T12:00:00.000Z');
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let received = false;
      queue.attach(async (_event: SQSEvent) => {
        received = true;
        await held;
      });
      const pin = '2026-12-06T11:00:00.000Z'; // an hour before now: far behind now − the lag
      await queue.send('event', pin);
      const checkpoints = startCheckpoints(files, () => queue.oldestPin(), () => now);
      expect(readFileSync(files.checkpoint, 'utf8')).toBe(pin);
      expect(existsSync(files.running)).toBe(true);
      // Received but not finished (the consumer is still at it): still held.
      const deadline = Date.now() + 5_000;
      while (!received && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(received).toBe(true);
      checkpoints.stop(false);
      expect(readFileSync(files.checkpoint, 'utf8')).toBe(pin);
      expect(existsSync(files.running)).toBe(true); // not settled: the next start re-feeds
      release();
      await queue.drain(5_000);
      const again = startCheckpoints(files, () => queue.oldestPin(), () => now);
      again.stop(true);
      expect(readFileSync(files.checkpoint, 'utf8')).toBe(new Date(now - CHECKPOINT_LAG_MS).toISOString());
      expect(existsSync(files.running)).toBe(false);
    } finally {
      await queue.close();
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the running mark of a previous unclean stop until a settled stop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-feed-'));
    try {
      const files = feedFiles(dir);
      writeFileSync(files.running, '1');
      const checkpoints = startCheckpoints(files, () => undefined);
      expect(existsSync(files.running)).toBe(true);
      checkpoints.stop(true);
      expect(existsSync(files.running)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
