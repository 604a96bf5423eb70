import type { TimeOfDay } from './places.js';

/**
 * A tiny SVG builder for the offline pictures: shapes in pixel coordinates, gradients with unique ids,
 * and colours adjusted for the time of day. Every colour the art uses passes through `col`, which keeps
 * it out of what the frame gate treats as text (near-white, or the subtitle's speaker gold): the gate can
 * then find burned-in text by colour alone. Nothing here draws `<text>`.
 */

const r1 = (n: number) => Math.round(n * 10) / 10;

export function hslHex(h: number, s: number, l: number): string {
  const hue = ((h % 360) + 360) % 360;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return rgbHex([f(0) * 255, f(8) * 255, f(4) * 255]);
}

const rgbHex = (rgb: readonly number[]) =>
  `#${rgb
    .map((v) =>
      Math.max(0, Math.min(255, Math.round(v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

const hexRgb = (hex: string): [number, number, number] => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
];

export function mix(a: string, b: string, t: number): string {
  const x = hexRgb(a);
  const y = hexRgb(b);
  return rgbHex(x.map((v, i) => v + ((y[i] as number) - v) * t));
}

/** Keeps a colour darker than "paper white" (min channel < 225) and away from the subtitle gold. */
export function safeColour(hex: string): string {
  let [r, g, b] = hexRgb(hex);
  const low = Math.min(r, g, b);
  if (low > 214) {
    const f = 214 / low;
    [r, g, b] = [r * f, g * f, b * f];
  }
  const gold = Math.hypot(r - 255, g - 216, b - 96);
  if (gold < 48) [r, g, b] = [r * 0.86, g * 0.8, b * 0.86];
  return rgbHex([r, g, b]);
}

const TINT: Record<TimeOfDay, [string, number]> = {
  day: ['#ffffff', 0],
  dawn: ['#ff9f7a', 0.14],
  dusk: ['#ff7a45', 0.18],
  night: ['#101a46', 0.5],
};

export class Svg {
  private readonly defs: string[] = [];
  private readonly body: string[] = [];
  private next = 0;

  /**
   * `view`: draw in the coordinates of a `width` × `height` picture but produce only this rectangle of
   * it (whole pixels), to rasterise one part of a picture on its own.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly time: TimeOfDay,
    private readonly view?: { x: number; y: number; width: number; height: number },
  ) {}

  /** A surface colour as lit by the time of day. */
  col(h: number, s: number, l: number): string {
    const [tint, amount] = TINT[this.time];
    return safeColour(mix(hslHex(h, s, Math.min(l, 0.8)), tint, amount));
  }

  /** A light source's colour: not tinted, still kept apart from text colours. */
  glow(hex: string): string {
    return safeColour(hex);
  }

  get lit(): boolean {
    return this.time === 'night' || this.time === 'dusk';
  }

  id(prefix: string): string {
    return `${prefix}${this.next++}`;
  }

  def(markup: string): void {
    this.defs.push(markup);
  }

  add(markup: string): void {
    this.body.push(markup);
  }

  linear(stops: readonly (readonly [number, string, number?])[], vertical = true): string {
    const id = this.id('g');
    const dir = vertical ? 'x1="0" y1="0" x2="0" y2="1"' : 'x1="0" y1="0" x2="1" y2="0"';
    this.def(`<linearGradient id="${id}" ${dir}>${stopsOf(stops)}</linearGradient>`);
    return `url(#${id})`;
  }

  radial(stops: readonly (readonly [number, string, number?])[]): string {
    const id = this.id('r');
    this.def(`<radialGradient id="${id}">${stopsOf(stops)}</radialGradient>`);
    return `url(#${id})`;
  }

  rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): void {
    this.add(`<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}" fill="${fill}" ${extra}/>`);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, fill: string, extra = ''): void {
    this.add(
      `<ellipse cx="${r1(cx)}" cy="${r1(cy)}" rx="${r1(rx)}" ry="${r1(ry)}" fill="${fill}" ${extra}/>`,
    );
  }

  poly(points: readonly (readonly [number, number])[], fill: string, extra = ''): void {
    const p = points.map(([x, y]) => `${r1(x)},${r1(y)}`).join(' ');
    this.add(`<polygon points="${p}" fill="${fill}" ${extra}/>`);
  }

  path(d: string, fill: string, extra = ''): void {
    this.add(`<path d="${d}" fill="${fill}" ${extra}/>`);
  }

  group(attributes: string, draw: () => void): void {
    this.add(`<g ${attributes}>`);
    draw();
    this.add('</g>');
  }

  toString(): string {
    const { x, y, width, height } = this.view ?? { x: 0, y: 0, width: this.width, height: this.height };
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${x} ${y} ${width} ${height}">` +
      `<defs>${this.defs.join('')}</defs>${this.body.join('')}</svg>`
    );
  }
}

function stopsOf(stops: readonly (readonly [number, string, number?])[]): string {
  return stops
    .map(
      ([at, colour, opacity]) =>
        `<stop offset="${at}" stop-color="${colour}"${opacity === undefined ? '' : ` stop-opacity="${opacity}"`}/>`,
    )
    .join('');
}
