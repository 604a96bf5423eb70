import { placeHash } from './places.js';
import type { Svg } from './svg-kit.js';

/** A character on screen: the cast's portrait when there is one, else a drawn figure. */
export interface Figure {
  name: string;
  description: string;
  /** PNG bytes of the reference portrait (square, head and shoulders). */
  portrait?: Buffer;
}

/** Where a figure's square box sits (pixels, top-left corner) and which row it stands in. */
export interface Placement {
  x: number;
  y: number;
  size: number;
  row: 'front' | 'back';
}

export type FigureState = 'neutral' | 'speaking' | 'listening';

/** Where the foreground ledge (a table edge indoors, a railing or low wall outdoors) starts, by aspect. */
export const LEDGE_TOP = { landscape: 0.83, portrait: 0.7 } as const;

/** At most this many people are drawn; a crowd beyond them would be postage stamps. */
export const MAX_FIGURES = 7;

/**
 * Deterministic placement: up to four people side by side in 16:9 (three in 9:16) as a front row of
 * head-and-shoulders shots behind a foreground ledge (see LEDGE_TOP), which keeps their faces above the
 * subtitles; anyone else in a smaller back row between them.
 */
export function layoutFigures(count: number, width: number, height: number): Placement[] {
  const n = Math.min(count, MAX_FIGURES);
  if (n <= 0) return [];
  const vertical = height > width;
  const frontCount = Math.min(n, vertical ? 3 : 4);
  const backCount = n - frontCount;
  const size = vertical
    ? ([0.86, 0.64, 0.5][frontCount - 1] as number) * width
    : Math.min(
        ([0.62, 0.58, 0.52, 0.46][frontCount - 1] as number) * height,
        (1.3 * width) / (frontCount + 0.3),
      );
  const gap = vertical ? ([0, 0.44, 0.3][frontCount - 1] as number) : Math.min(0.27, 0.84 / frontCount);
  const ground = height * (vertical ? 0.72 : 0.86);
  const centres = (k: number, spacing: number) =>
    Array.from({ length: k }, (_, i) => width * (0.5 + (i - (k - 1) / 2) * spacing));
  // Whole pixels: a figure drawn once looks the same in every slot of its size (compose.ts keeps it).
  const back = centres(backCount, backCount === 1 ? 0 : gap).map((cx) => {
    const s = Math.round(size * 0.74);
    return {
      x: Math.round(cx - s / 2),
      y: Math.round(ground - size * 0.26 - s),
      size: s,
      row: 'back' as const,
    };
  });
  const front = centres(frontCount, gap).map((cx) => ({
    x: Math.round(cx - size / 2),
    y: Math.round(ground - size),
    size: Math.round(size),
    row: 'front' as const,
  }));
  // Front-row people first, so character i keeps slot i whoever else is present.
  return [...front, ...back];
}

const SKIN = ['#f0c8a6', '#e2ad86', '#c98e68', '#9a6444', '#f2d2b4', '#d9a07a'];
const HAIR = ['#2a2024', '#3b2a20', '#5a3a22', '#20202c', '#6a4428', '#1c1418'];
const OUTLINE = '#2a2230';

const COLOUR_WORDS: readonly [RegExp, string][] = [
  [/白大褂|white coat|lab coat/i, '#cfd6dc'],
  [/格子|plaid|check/i, '#8a4a44'],
  [/护士服|scrubs/i, '#4f9c9a'],
  [/西装|suit|blazer/i, '#2f3a4c'],
  [/红|red/i, '#b8423c'],
  [/蓝|blue|denim|牛仔/i, '#3e64a0'],
  [/绿|green/i, '#4e8a5a'],
  [/黄|yellow/i, '#d0a23c'],
  [/紫|purple/i, '#74509a'],
  [/粉|pink/i, '#d07a94'],
  [/黑|black|leather|皮夹克/i, '#2e2e36'],
  [/灰|grey|gray/i, '#7a7e88'],
  [/白|white/i, '#cdd0d4'],
  [/棕|brown|khaki|trench|风衣/i, '#8a6a48'],
];

function clothing(description: string, hash: number): string {
  // "黑框眼镜" (black-rimmed glasses) says nothing about the clothes.
  const clothes = description.replace(/黑框|black-rimmed|黑发|black hair/gi, '');
  for (const [pattern, colour] of COLOUR_WORDS) if (pattern.test(clothes)) return colour;
  const hues = ['#5a6fa8', '#a8605a', '#5a9a84', '#8a6aa8', '#b08a4a', '#4a7a9a'];
  return hues[hash % hues.length] as string;
}

/** A head-and-shoulders figure drawn in a 100×100 box, in the portraits' outline style. */
function drawnFigure(figure: Figure, state: FigureState): string {
  const h = placeHash(figure.name);
  const d = figure.description;
  const skin = SKIN[h % SKIN.length] as string;
  const grey = /老|elder|grey hair|白发|花白|old/i.test(d);
  const hair = grey ? '#8a8a92' : (HAIR[(h >>> 3) % HAIR.length] as string);
  const long =
    /长发|long hair|马尾|ponytail/i.test(d) || (!/短发|short hair|寸头|bald/i.test(d) && (h >>> 7) % 3 === 0);
  const shirt = clothing(d, h >>> 11);
  const suit = /西装|suit|blazer/i.test(d);
  const glasses = /眼镜|glasses|spectacles/i.test(d) || (h >>> 13) % 5 === 0;
  const line = `stroke="${OUTLINE}" stroke-width="1.6" stroke-linejoin="round"`;
  const parts: string[] = [];
  if (long) parts.push(`<path d="M31 40Q27 74 35 86L65 86Q73 74 69 40Z" fill="${hair}" ${line}/>`);
  parts.push(`<path d="M6 101C8 80 26 72 50 72C74 72 92 80 94 101Z" fill="${shirt}" ${line}/>`);
  if (suit) {
    parts.push(`<path d="M41 73L50 92L59 73Z" fill="#c4ccd4" ${line}/>`);
    parts.push(`<path d="M48 76L52 76L53 90L50 94L47 90Z" fill="#7a2e34"/>`);
  } else {
    parts.push(`<path d="M42 73Q50 82 58 73" fill="none" ${line}/>`);
  }
  parts.push(`<rect x="43.5" y="56" width="13" height="18" fill="${skin}" ${line}/>`);
  parts.push(`<ellipse cx="34.5" cy="45" rx="3" ry="4" fill="${skin}" ${line}/>`);
  parts.push(`<ellipse cx="65.5" cy="45" rx="3" ry="4" fill="${skin}" ${line}/>`);
  parts.push(`<ellipse cx="50" cy="42" rx="16" ry="19" fill="${skin}" ${line}/>`);
  const style = (h >>> 17) % 3;
  const top =
    style === 0
      ? 'M33 42Q31 20 50 20Q69 20 67 42Q62 30 50 29Q38 30 33 42Z'
      : style === 1
        ? 'M33 44Q30 18 52 20Q70 22 67 40Q58 34 46 28Q42 36 33 44Z'
        : 'M33 40Q33 21 50 21Q67 21 67 40Q66 33 58 31Q50 35 42 31Q34 33 33 40Z';
  parts.push(`<path d="${top}" fill="${hair}" ${line}/>`);
  if (!long && (h >>> 19) % 4 === 0) parts.push(`<circle cx="50" cy="19" r="5.5" fill="${hair}" ${line}/>`);
  parts.push(
    `<circle cx="44" cy="44" r="1.7" fill="${OUTLINE}"/><circle cx="56" cy="44" r="1.7" fill="${OUTLINE}"/>`,
  );
  parts.push(
    `<path d="M40.5 38.5L46.5 38M53.5 38L59.5 38.5" stroke="${OUTLINE}" stroke-width="1.4" fill="none"/>`,
  );
  if (glasses) {
    parts.push(
      `<circle cx="44" cy="44" r="4.6" fill="none" ${line}/><circle cx="56" cy="44" r="4.6" fill="none" ${line}/><path d="M48.6 44L51.4 44" ${line}/>`,
    );
  }
  parts.push(
    state === 'speaking'
      ? `<ellipse cx="50" cy="53" rx="3.4" ry="2.6" fill="#6a2a2e" ${line}/>`
      : `<path d="M45.5 52.5Q50 55.5 54.5 52.5" fill="none" ${line}/>`,
  );
  return parts.join('');
}

/** Draws one figure into `svg` at its placement, lit for its state. */
export function drawFigure(svg: Svg, figure: Figure, at: Placement, state: FigureState): void {
  const lift = state === 'speaking' ? at.size * 0.025 : 0;
  const grow = state === 'speaking' ? 1.04 : 1;
  const size = at.size * grow;
  const x = at.x - (size - at.size) / 2;
  const y = at.y - lift - (size - at.size);
  if (state === 'speaking') {
    svg.ellipse(
      x + size / 2,
      y + size * 0.45,
      size * 0.5,
      size * 0.52,
      svg.radial([
        [0, svg.glow('#f0a860'), 0.6],
        [0.7, svg.glow('#f0a860'), 0.2],
        [1, svg.glow('#f0a860'), 0],
      ]),
    );
  }
  const filter = state === 'listening' ? ` filter="url(#${dimFilter(svg)})"` : '';
  const inner = figure.portrait
    ? `<image href="data:image/png;base64,${figure.portrait.toString('base64')}" x="0" y="0" width="100" height="100" preserveAspectRatio="xMidYMax meet"/>`
    : drawnFigure(figure, state);
  svg.add(`<g transform="translate(${r1(x)} ${r1(y)}) scale(${r2(size / 100)})"${filter}>${inner}</g>`);
}

const dimIds = new WeakMap<Svg, string>();

/** Listeners step back a little: darker and less saturated than the speaker. */
function dimFilter(svg: Svg): string {
  const known = dimIds.get(svg);
  if (known) return known;
  const id = svg.id('dim');
  svg.def(
    `<filter id="${id}" x="0" y="0" width="1" height="1" color-interpolation-filters="sRGB"><feColorMatrix type="matrix" values="0.6 0.1 0.08 0 0 0.08 0.62 0.08 0 0 0.08 0.1 0.6 0 0 0 0 0 1 0"/></filter>`,
  );
  dimIds.set(svg, id);
  return id;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 1000) / 1000;
