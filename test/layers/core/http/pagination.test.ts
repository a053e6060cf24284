import { isSessionId, newSessionId } from '../../../../layers/core/src/domain/session-id';
import { InvalidPayloadError } from '../../../../layers/core/src/errors';
import { decodeCursor, encodeCursor, pageLimit } from '../../../../layers/core/src/http/pagination';

describe('encodeCursor() and decodeCursor()', () => {
  it('round-trip a position, and no cursor means the first page', () => {
    const sessionId = newSessionId();
    expect(decodeCursor(encodeCursor(sessionId), isSessionId)).toBe(sessionId);
    expect(decodeCursor(null, isSessionId)).toBeUndefined();
    expect(encodeCursor(sessionId)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['', 'empty'],
    ['not base64!', 'not base64url'],
    [Buffer.from('not json').toString('base64url'), 'not JSON'],
    [Buffer.from('[1]').toString('base64url'), 'an array'],
    [Buffer.from('{"v":2,"a":"AbCdEfGhIjKlMnOpQrStUv"}').toString('base64url'), 'another version'],
    [Buffer.from('{"v":1,"a":"../../etc"}').toString('base64url'), 'a position that fails validation'],
    [Buffer.from('{"v":1,"a":7}').toString('base64url'), 'a non-string position'],
    ['A'.repeat(601), 'too long'],
  ])('refuses %j (%s) with a 400 on cursor', (raw) => {
    expect(() => decodeCursor(raw, isSessionId)).toThrow(InvalidPayloadError);
    try {
      decodeCursor(raw, isSessionId);
    } catch (error) {
      expect(Object.keys((error as InvalidPayloadError).fields)).toEqual(['cursor']);
    }
  });
});

describe('pageLimit()', () => {
  it('defaults to 50 and takes 1 to 100', () => {
    expect(pageLimit(null)).toBe(50);
    expect(pageLimit('1')).toBe(1);
    expect(pageLimit('100')).toBe(100);
  });

  it.each(['0', '101', '-1', '1.5', '', ' 5', '1e2', 'abc', '0100'])('refuses %j', (raw) => {
    expect(() => pageLimit(raw)).toThrow(InvalidPayloadError);
  });
});
