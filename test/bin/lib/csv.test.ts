import fc from 'fast-check';
import { csvCell, csvRow } from '../../../bin/lib/csv';
import { parseCsv } from '../cli-helpers';

describe('csvCell()', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['@cmd', "'@cmd"],
    ['-2', "'-2"],
    [42, '42'],
    [true, 'true'],
    [undefined, ''],
    [null, ''],
    [{ a: '1,2' }, '"{""a"":""1,2""}"'],
  ])('writes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('csvRow()', () => {
  it('fuzz: an RFC 4180 reader gets every string back (formula starts behind a quote mark), one record per row', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((row) => csvRow(row)).join('');
        const read = parseCsv(text);
        expect(read).toEqual(rows.map((row) => row.map((value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value))));
      }),
      { numRuns: 300 },
    );
  });
});
