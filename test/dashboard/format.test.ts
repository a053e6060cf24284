import fc from 'fast-check';
import { csvCell, csvRows, describeChange, integerTicks, tickLabels, toCsv } from '../../dashboard/src/format';

describe('describeChange()', () => {
  it('says the direction in words and arrows, with the previous value', () => {
    expect(describeChange(10, 8, 'the day before')).toEqual({ text: '▲ 25% vs the day before (8)', direction: 'up' });
    expect(describeChange(6, 8, 'the previous 7 days')).toEqual({ text: '▼ 25% vs the previous 7 days (8)', direction: 'down' });
    expect(describeChange(3, 0, 'the day before')).toEqual({ text: '▲ new vs the day before (0)', direction: 'up' });
    expect(describeChange(4, 4, 'the day before')).toEqual({ text: 'No change vs the day before', direction: 'same' });
  });
});

describe('tickLabels() and integerTicks', () => {
  it('labels whole numbers only', () => {
    expect(tickLabels([0, 2.5, 5, 7.5, 1000])).toEqual(['0', '', '5', '', '1,000']);
    expect(integerTicks.every((step) => Number.isInteger(step))).toBe(true);
  });
});

describe('csvCell()', () => {
  it('quotes separators and escapes spreadsheet formulas', () => {
    expect(csvCell('/a,b')).toBe('"/a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(-3)).toBe('-3');
  });

  it('never lets a cell start a formula or break a row, whatever the text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const cell = csvCell(text);
        const inner = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(/^[=+\-@\t\r]/.test(inner)).toBe(false);
        if (/[",\n\r]/.test(inner)) expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
      }),
    );
  });
});

describe('csvRows()', () => {
  it('writes one number per row for totals, the previous period, days, hours, pages and lists', () => {
    const rows = csvRows(
      {
        from: '2026-12-06',
        to: '2026-12-06',
        totals: { visitors: 3 },
        previous: { from: '2026-12-05', to: '2026-12-05', totals: { visitors: 2 } },
        days: [{ date: '2026-12-06', visitors: 3, pageviews: 5, sessions: 4, bots: 1 }],
        hours: [{ hour: '2026-12-06T10:00:00.000Z', visitors: 3, pageviews: 5 }],
        pages: [{ path: '/a', sessions: 2, pageviews: 3 }],
        entries: [{ value: '/a', count: 2 }],
      },
      ['entries', 'referrers'],
    );
    expect(toCsv(rows).split('\r\n')).toEqual([
      'section,name,metric,value',
      'total,2026-12-06..2026-12-06,visitors,3',
      'previous total,2026-12-05..2026-12-05,visitors,2',
      'day,2026-12-06,visitors,3',
      'day,2026-12-06,pageviews,5',
      'day,2026-12-06,sessions,4',
      'day,2026-12-06,bots,1',
      'hour,2026-12-06T10:00:00.000Z,visitors,3',
      'hour,2026-12-06T10:00:00.000Z,pageviews,5',
      'pages,/a,sessions,2',
      'pages,/a,pageviews,3',
      'entries,/a,count,2',
      '',
    ]);
  });
});
