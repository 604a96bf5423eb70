export type ByteRange =
  { type: 'full' } | { type: 'unsatisfiable' } | { type: 'partial'; start: number; end: number };

const FULL: ByteRange = { type: 'full' };
const UNSATISFIABLE: ByteRange = { type: 'unsatisfiable' };

/**
 * A `Range` header per RFC 9110 §14: one `bytes=a-b`, `a-` or `-n` → an inclusive range clamped to
 * the size, or unsatisfiable (→ 416). Anything the server may ignore is served whole: no header, another
 * unit, bad syntax, and several ranges (one 200 beats a multipart/byteranges body no player asks for).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return FULL;
  const ranges = /^\s*bytes\s*=(.*)$/i.exec(header)?.[1];
  if (ranges === undefined) return FULL;
  const specs = ranges
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return FULL;
  const match = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!match || (match[1] === '' && match[2] === '')) return FULL;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { type: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return FULL;
  if (start >= size) return UNSATISFIABLE;
  return { type: 'partial', start, end: Math.min(end, size - 1) };
}
