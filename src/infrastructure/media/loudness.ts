/**
 * Programme loudness as streaming platforms measure it (ITU-R BS.1770-4 / EBU R 128: K-weighted, 400 ms
 * blocks overlapping by 75 %, absolute gate −70 LUFS, relative gate −10 LU), and the normalisation the
 * renderer applies to every scene's mix: a gain to the target, then a look-ahead peak limiter so the
 * gain never clips. Pure JavaScript over the float mix, so it costs no extra ffmpeg pass.
 */

/** Where short-video platforms normalise to (YouTube, TikTok, Spotify): −14 LUFS. */
export const TARGET_LUFS = -14;
/**
 * Sample-peak ceiling of the mix. The delivered true peak must stay ≤ −1 dBTP after resampling and AAC
 * encoding (see audioEncodeArgs), whose overshoot measured up to about half a dB here.
 */
export const CEILING_DBFS = -2.5;

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** The two K-weighting stages (high shelf, then RLB high-pass), designed for any sample rate. */
function kWeighting(rate: number): [Biquad, Biquad] {
  // Constants of the BS.1770 filters as derived for arbitrary rates (as in libebur128 and pyloudnorm).
  const shelf = (() => {
    const f0 = 1681.974450955533;
    const gainDb = 3.999843853973347;
    const q = 0.7071752369554196;
    const k = Math.tan((Math.PI * f0) / rate);
    const vh = 10 ** (gainDb / 20);
    const vb = vh ** 0.4996667741545416;
    const a0 = 1 + k / q + k * k;
    return {
      b0: (vh + (vb * k) / q + k * k) / a0,
      b1: (2 * (k * k - vh)) / a0,
      b2: (vh - (vb * k) / q + k * k) / a0,
      a1: (2 * (k * k - 1)) / a0,
      a2: (1 - k / q + k * k) / a0,
    };
  })();
  const highPass = (() => {
    const f0 = 38.13547087602444;
    const q = 0.5003270373238773;
    const k = Math.tan((Math.PI * f0) / rate);
    const a0 = 1 + k / q + k * k;
    return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  })();
  return [shelf, highPass];
}

/**
 * Integrated loudness in LUFS of a stereo signal; −Infinity for silence (every block below −70 LUFS).
 * Both K-weighting stages and the energy sum run in one pass per sample (no filtered copies): the
 * renderer measures every scene's mix several times while normalising it.
 */
export function integratedLoudness(left: Float32Array, right: Float32Array, rate: number): number {
  const [k1, k2] = kWeighting(rate);
  const block = Math.round(0.4 * rate);
  const step = Math.round(0.1 * rate);
  const n = Math.min(left.length, right.length);
  // Energy summed up to every hop boundary (blocks are whole hops at the usual rates), else every sample.
  const hop = block % step === 0 ? step : 1;
  const energy = new Float64Array(Math.floor(n / hop) + 1);
  // Filter state per channel: stage 1 (x1, x2, y1, y2), then stage 2 (its input is stage 1's output).
  let lx1 = 0,
    lx2 = 0,
    ly1 = 0,
    ly2 = 0,
    lz1 = 0,
    lz2 = 0;
  let rx1 = 0,
    rx2 = 0,
    ry1 = 0,
    ry2 = 0,
    rz1 = 0,
    rz2 = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const l = left[i] as number;
    const ly = k1.b0 * l + k1.b1 * lx1 + k1.b2 * lx2 - k1.a1 * ly1 - k1.a2 * ly2;
    const lz = k2.b0 * ly + k2.b1 * ly1 + k2.b2 * ly2 - k2.a1 * lz1 - k2.a2 * lz2;
    lx2 = lx1;
    lx1 = l;
    ly2 = ly1;
    ly1 = ly;
    lz2 = lz1;
    lz1 = lz;
    const r = right[i] as number;
    const ry = k1.b0 * r + k1.b1 * rx1 + k1.b2 * rx2 - k1.a1 * ry1 - k1.a2 * ry2;
    const rz = k2.b0 * ry + k2.b1 * ry1 + k2.b2 * ry2 - k2.a1 * rz1 - k2.a2 * rz2;
    rx2 = rx1;
    rx1 = r;
    ry2 = ry1;
    ry1 = ry;
    rz2 = rz1;
    rz1 = rz;
    sum += lz * lz + rz * rz;
    if ((i + 1) % hop === 0) energy[(i + 1) / hop] = sum;
  }
  const blocks: number[] = [];
  for (let start = 0; start + block <= n; start += step) {
    blocks.push(((energy[(start + block) / hop] as number) - (energy[start / hop] as number)) / block);
  }
  const lufs = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const audible = blocks.filter((z) => lufs(z) > -70);
  if (audible.length === 0) return -Infinity;
  const relativeGate = lufs(mean(audible)) - 10;
  const gated = audible.filter((z) => lufs(z) > relativeGate);
  return lufs(mean(gated));
}

/** Indices' minimum over a sliding window [i - radius, i + radius], in O(n) (monotonic deque). */
function slidingMinimum(values: Float32Array, radius: number): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const last = Math.min(n - 1, i + radius);
    for (; next <= last; next++) {
      while (tail > head && (values[deque[tail - 1] as number] as number) >= (values[next] as number)) tail--;
      deque[tail++] = next;
    }
    while ((deque[head] as number) < i - radius) head++;
    out[i] = values[deque[head] as number] as number;
  }
  return out;
}

/**
 * Multiplies both channels in place so no sample exceeds `ceiling`: the gain each peak needs is spread
 * over a few milliseconds either side (minimum over ±window, then averaged over ±window/2, which keeps
 * every peak's gain at or below what it needs), so limiting never clicks.
 *
 * A sample further than window + window/2 from every peak keeps gain 1, so only the stretches around
 * peaks are worked on (a mix has a few; the loudness passes call this up to four times per scene): each
 * with a margin of that reach again, inside which the result is exactly that of the whole signal.
 */
export function limitPeaks(left: Float32Array, right: Float32Array, rate: number, ceiling: number): void {
  const n = left.length;
  const window = Math.max(1, Math.round(0.005 * rate));
  const half = Math.max(1, Math.floor(window / 2));
  const reach = window + half;
  const over = (i: number) => Math.max(Math.abs(left[i] as number), Math.abs(right[i] as number)) > ceiling;
  let i = 0;
  while (i < n) {
    while (i < n && !over(i)) i++;
    if (i >= n) return;
    const first = i;
    let last = i;
    // Peaks closer than four reaches share a stretch, so no two stretches overlap.
    for (let j = i + 1; j < n && j - last <= 4 * reach + 1; j++) if (over(j)) last = j;
    const from = Math.max(0, first - 2 * reach);
    const to = Math.min(n, last + 2 * reach + 1);
    limitStretch(left.subarray(from, to), right.subarray(from, to), ceiling, window, half);
    i = to;
  }
}

function limitStretch(
  left: Float32Array,
  right: Float32Array,
  ceiling: number,
  window: number,
  half: number,
): void {
  const n = left.length;
  const need = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const peak = Math.max(Math.abs(left[i] as number), Math.abs(right[i] as number));
    need[i] = peak > ceiling ? ceiling / peak : 1;
  }
  const floor = slidingMinimum(need, window);
  const sums = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sums[i + 1] = (sums[i] as number) + (floor[i] as number);
  for (let i = 0; i < n; i++) {
    const from = Math.max(0, i - half);
    const to = Math.min(n, i + half + 1);
    const gain = Math.min(1, ((sums[to] as number) - (sums[from] as number)) / (to - from));
    left[i] = (left[i] as number) * gain;
    right[i] = (right[i] as number) * gain;
  }
}

export interface Normalised {
  /** Loudness before and after, LUFS. */
  beforeLufs: number;
  afterLufs: number;
  gainDb: number;
}

/**
 * Brings a stereo mix (in place) to `targetLufs` with peaks under `ceilingDbfs`. Limiting takes a little
 * loudness back, so the gain is corrected again (up to four passes, until within 0.2 LU). Silence is left as it is; the
 * gain is capped at +20 dB so a near-silent scene is not pumped up into noise.
 */
export function normaliseLoudness(
  left: Float32Array,
  right: Float32Array,
  rate: number,
  targetLufs = TARGET_LUFS,
  ceilingDbfs = CEILING_DBFS,
): Normalised {
  const beforeLufs = integratedLoudness(left, right, rate);
  if (!Number.isFinite(beforeLufs)) return { beforeLufs, afterLufs: beforeLufs, gainDb: 0 };
  const ceiling = 10 ** (ceilingDbfs / 20);
  let total = 0;
  let current = beforeLufs;
  for (let pass = 0; pass < 4 && Math.abs(targetLufs - current) > 0.2 && total < 20; pass++) {
    const gainDb = Math.min(20 - total, targetLufs - current);
    const gain = 10 ** (gainDb / 20);
    for (let i = 0; i < left.length; i++) {
      left[i] = (left[i] as number) * gain;
      right[i] = (right[i] as number) * gain;
    }
    total += gainDb;
    limitPeaks(left, right, rate, ceiling);
    current = integratedLoudness(left, right, rate);
  }
  return { beforeLufs, afterLufs: current, gainDb: total };
}
