import { ProviderRelayError } from '../../../../../layers/core/src/forwarding/event';
import {
  PartialRelayError,
  parseRetryAfter,
  relayGroups,
  truncate,
  wellFormed,
} from '../../../../../layers/core/src/forwarding/providers/relay';

describe('parseRetryAfter()', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['0', 0],
    ['120', 120],
    [' 5 ', 5],
    ['999999', 3600],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
  ])('%j → %j', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it.each([null, '', '-1', '1.5', 'soon'])('%j → undefined', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('truncate()', () => {
  it('never splits a surrogate pair and repairs lone surrogates', () => {
    expect(truncate('ab😀', 3)).toBe('ab');
    expect(truncate('ab😀', 4)).toBe('ab😀');
    expect(truncate('a\uD800b', 10)).toBe('a\uFFFDb');
    expect(wellFormed('\uDC00x\uD83D\uDE00')).toBe('\uFFFDx😀');
  });
});

describe('relayGroups()', () => {
  const fail = new ProviderRelayError('p', 'HTTP 503', { retryable: true, retryAfterSeconds: 3 });

  it('rethrows the error itself when there was a single request', async () => {
    await expect(relayGroups([{ eventIds: ['a'] }], async () => { throw fail; })).rejects.toBe(fail);
  });

  it('stops at the first failure and names the failed and unsent events', async () => {
    const sent: string[] = [];
    const groups = [{ eventIds: ['a'] }, { eventIds: ['b', 'c'] }, { eventIds: ['d'] }];
    const error = await relayGroups(groups, async (group) => {
      if (group.eventIds[0] === 'b') throw fail;
      sent.push(...group.eventIds);
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PartialRelayError);
    expect(error).toMatchObject({ provider: 'p', retryable: true, retryAfterSeconds: 3, message: 'p: HTTP 503', undeliveredEventIds: ['b', 'c', 'd'] });
    expect(sent).toEqual(['a']);
  });

  it('wraps anything that is not a ProviderRelayError as a retryable one', async () => {
    const error = await relayGroups([{ eventIds: ['a'] }], async () => { throw new Error('boom'); }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRelayError);
    expect((error as ProviderRelayError).retryable).toBe(true);
  });
});
