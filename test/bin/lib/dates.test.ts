import fc from 'fast-check';
import { parseIsoDate } from '../../../bin/lib/dates';
import { UsageError } from '../../../bin/lib/errors';

describe('parseIsoDate()', () => {
  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:30', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30:15Z', '2024-05-01T12:30:15.000Z'],
    ['2024-05-01T12:30:15.123456Z', '2024-05-01T12:30:15.123Z'],
    ['2024-05-01T02:00:00+02:00', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T00:00:00-0130', '2024-05-01T01:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s (the stored, text-sortable form; UTC without an offset)', (input, stored) => {
    expect(parseIsoDate(input, '--since')).toBe(stored);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-05-01T24:00', '2024-05-01T12:60', 'yesterday', '1714521600', '2024-5-1', '', '2024-05-01T12:00:00+25:00'])(
    'refuses %j with a usage error naming the flag',
    (input) => {
      expect(() => parseIsoDate(input, '--until')).toThrow(UsageError);
      expect(() => parseIsoDate(input, '--until')).toThrow(/^--until must be an ISO-8601 date/);
    },
  );

  it('fuzz: any string gives the stored form of its own instant or a UsageError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((date) => date.toISOString())), (input) => {
        try {
          const stored = parseIsoDate(input, '--since');
          expect(new Date(stored).toISOString()).toBe(stored);
          if (/Z$/.test(input) && input.length === 24) expect(stored).toBe(input);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
