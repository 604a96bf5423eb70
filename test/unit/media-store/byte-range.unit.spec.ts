import { describe, expect, it } from '@jest/globals';
import { parseByteRange } from '../../../src/interfaces/http/byte-range.js';

describe('parseByteRange (RFC 9110 §14)', () => {
  const size = 1000;

  it.each([
    ['bytes=0-99', { type: 'partial', start: 0, end: 99 }],
    ['bytes=500-', { type: 'partial', start: 500, end: 999 }],
    ['bytes=-100', { type: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { type: 'partial', start: 0, end: 999 }],
    ['bytes=990-5000', { type: 'partial', start: 990, end: 999 }],
    ['bytes=999-999', { type: 'partial', start: 999, end: 999 }],
    ['BYTES = 0-0', { type: 'partial', start: 0, end: 0 }],
    ['bytes=0-0,', { type: 'partial', start: 0, end: 0 }],
  ])('%s → %j', (header, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });

  it.each([['bytes=1000-'], ['bytes=1000-2000'], ['bytes=-0'], [`bytes=${'9'.repeat(30)}-`]])(
    '%s is unsatisfiable',
    (header) => {
      expect(parseByteRange(header, size)).toEqual({ type: 'unsatisfiable' });
    },
  );

  it.each([
    [undefined],
    ['items=0-10'],
    ['bytes=10-5'],
    ['bytes=abc'],
    ['bytes=-'],
    ['bytes='],
    ['bytes=0-10,20-30'],
    ['bytes=1.5-2'],
  ])('%j is ignored: the whole representation is served', (header) => {
    expect(parseByteRange(header, size)).toEqual({ type: 'full' });
  });

  it('finds nothing satisfiable in an empty representation', () => {
    expect(parseByteRange('bytes=0-', 0)).toEqual({ type: 'unsatisfiable' });
    expect(parseByteRange('bytes=-1', 0)).toEqual({ type: 'unsatisfiable' });
  });
});
