/** HSL (h in degrees, s and l in 0..1) to RGB bytes. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

export interface GradientOptions {
  width: number;
  height: number;
  seed: number;
  /** dark: text-mode backdrop; light: brighter storyboard card. */
  tone: 'dark' | 'card';
}

/**
 * A diagonal two-colour gradient with a soft vignette, as a 24-bit BMP (a format ffmpeg's `movie`
 * source reads without options). Colours come from the seed; a little seeded noise breaks up the
 * banding that an 8-bit gradient shows after H.264.
 */
export function gradientBmp(options: GradientOptions): Buffer {
  const { width, height, seed, tone } = options;
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const hue = rand() * 360;
  const hue2 = hue + 30 + rand() * 60;
  const [l1, l2] =
    tone === 'dark'
      ? [0.07 + rand() * 0.04, 0.14 + rand() * 0.05]
      : [0.2 + rand() * 0.1, 0.42 + rand() * 0.1];
  const c1 = hsl(hue, 0.45, l1);
  const c2 = hsl(hue2 % 360, 0.5, l2);
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(BMP_HEADER + rowBytes * height);
  writeBmpHeader(out, width, height, rowBytes);
  const diagonal = width + height;
  for (let y = 0; y < height; y++) {
    const dy = (y / height - 0.5) * 2;
    let o = BMP_HEADER + (height - 1 - y) * rowBytes; // BMP rows run bottom-up
    for (let x = 0; x < width; x++) {
      const t = (x + y) / diagonal;
      const dx = (x / width - 0.5) * 2;
      const vignette = 1 - 0.35 * Math.min(1, (dx * dx + dy * dy) / 2);
      const noise = (rand() - 0.5) * 3;
      for (const c of [2, 1, 0]) {
        const v = ((c1[c] as number) + ((c2[c] as number) - (c1[c] as number)) * t) * vignette + noise;
        out[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

const BMP_HEADER = 54;

function writeBmpHeader(out: Buffer, width: number, height: number, rowBytes: number): void {
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(BMP_HEADER, 10);
  out.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * height, 34);
}
