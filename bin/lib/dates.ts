import { UsageError } from './errors';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date or date-time for `--since`/`--until` into the stored form
 * (`Date#toISOString()`, which sorts as text). A time without an offset is UTC; impossible
 * dates (2024-02-30) are refused, not rolled over.
 * @example parseIsoDate('2024-05-01', '--since') // '2024-05-01T00:00:00.000Z'
 */
export function parseIsoDate(value: string, flag: string): string {
  const match = ISO.exec(value);
  const bad = () => new UsageError(`${flag} must be an ISO-8601 date such as 2024-05-01 or 2024-05-01T12:00:00Z, got "${value.slice(0, 64)}"`);
  if (match === null) throw bad();
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const probe = new Date(0);
  probe.setUTCFullYear(y, m, 0); // day 0 of the next month: the last day of this one (Date.UTC would map years < 100 to 19xx)
  const daysInMonth = probe.getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw bad();
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const time = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`);
  if (Number.isNaN(time)) throw bad();
  return new Date(time).toISOString();
}
