/** Splits a duration into `parts` shares that sum exactly to it: whole seconds, the fraction on the last. */
export function splitDuration(total: number, parts: number): number[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError('parts must be ≥ 1');
  const whole = Math.floor(total);
  const base = Math.floor(whole / parts);
  const extra = whole - base * parts;
  const shares = Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
  // total - whole is exact in binary floating point, so the shares add back to `total` exactly.
  shares[parts - 1] = (shares[parts - 1] ?? 0) + (total - whole);
  return shares;
}

/**
 * Rescales weights to whole seconds summing exactly to `total` (an integer), each at least 1 s, by the
 * largest-remainder method; ties go to the earlier item so the result is deterministic.
 */
export function rescaleToTotal(weights: readonly number[], total: number): number[] {
  const n = weights.length;
  if (n === 0) return [];
  if (!Number.isInteger(total) || total < n) throw new RangeError('total must be an integer ≥ the count');
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  const ideal = clean.map((w) => (sum > 0 ? (w / sum) * total : total / n));
  const shares = ideal.map((x) => Math.max(1, Math.floor(x)));
  let diff = total - shares.reduce((a, b) => a + b, 0);
  const order = ideal.map((x, i) => ({ i, x }));
  while (diff !== 0) {
    const step = diff > 0 ? 1 : -1;
    const candidates = order
      .filter(({ i }) => step > 0 || (shares[i] ?? 0) > 1)
      .sort((a, b) => step * (b.x - (shares[b.i] ?? 0) - (a.x - (shares[a.i] ?? 0))) || a.i - b.i);
    for (const { i } of candidates) {
      if (diff === 0) break;
      shares[i] = (shares[i] ?? 0) + step;
      diff -= step;
    }
  }
  return shares;
}
