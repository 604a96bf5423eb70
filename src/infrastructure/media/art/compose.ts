import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { drawBackdrop } from './backdrops.js';
import {
  drawFigure,
  LEDGE_TOP,
  layoutFigures,
  MAX_FIGURES,
  type Figure,
  type FigureState,
  type Placement,
} from './figures.js';
import { classifyPlace, type PlaceKind, type TimeOfDay } from './places.js';
import { encodePng } from './png.js';
import { rasteriseSvgPixels, type RasterPixels } from './svg-raster.js';
import { Svg } from './svg-kit.js';

/** The same shapes as the ports' ShotSetting / ShotCharacter (the art does not depend on the ports). */
export interface PictureSetting {
  place: string;
  timeOfDay?: TimeOfDay;
}
export interface PictureCharacter {
  name: string;
  description: string;
  portraitPath?: string;
}

export interface PictureInput {
  setting: PictureSetting;
  /** Portraits already read (see loadFigures). */
  figures: readonly Figure[];
  width: number;
  height: number;
  /** Who is talking (highlighted; the others listen), or null when nobody is. */
  speaker?: string | null;
}

const OUTDOOR: readonly PlaceKind[] = ['street', 'waterside', 'park', 'rooftop'];

/**
 * One picture: the place's backdrop with the characters in it, as an SVG (no text). A foreground
 * ledge (a table edge indoors, a low wall outdoors) hides where the head-and-shoulders shots end.
 */
export function pictureSvg(input: PictureInput): string {
  const svg = new Svg(input.width, input.height, input.setting.timeOfDay ?? 'day');
  drawBackdrop(svg, input.setting.place);
  drawCast(svg, input);
  return svg.toString();
}

/** The characters alone on a transparent canvas, to lay over the backdrop (see backdropPixels). */
export function castSvg(input: PictureInput): string {
  const svg = new Svg(input.width, input.height, input.setting.timeOfDay ?? 'day');
  drawCast(svg, input);
  return svg.toString();
}

/** Who is drawn, where, in which state and in which order (back row first, the speaker last in its row). */
function castPlan(input: PictureInput): { figure: Figure; place: Placement; state: FigureState }[] {
  const { width, height } = input;
  const figures = input.figures.slice(0, MAX_FIGURES);
  const places = layoutFigures(figures.length, width, height);
  const speaking = input.speaker ? figures.findIndex((f) => f.name === input.speaker) : -1;
  const stateOf = (i: number): FigureState =>
    speaking < 0 ? 'neutral' : i === speaking ? 'speaking' : 'listening';
  return figures
    .map((_, i) => i)
    .sort((a, b) => {
      const rowA = places[a]?.row === 'back' ? 0 : 1;
      const rowB = places[b]?.row === 'back' ? 0 : 1;
      return rowA - rowB || Number(a === speaking) - Number(b === speaking) || a - b;
    })
    .map((i) => ({ figure: figures[i] as Figure, place: places[i] as Placement, state: stateOf(i) }));
}

const ledgeTop = (width: number, height: number) =>
  height * (height > width ? LEDGE_TOP.portrait : LEDGE_TOP.landscape);

/** The foreground ledge: a table edge indoors, a low wall outdoors, in front of everyone. */
function drawLedge(svg: Svg, setting: PictureSetting): void {
  const { width, height } = svg;
  const top = ledgeTop(width, height);
  const outdoor = OUTDOOR.includes(classifyPlace(setting.place));
  svg.rect(
    0,
    top,
    width,
    height - top,
    svg.linear([
      [0, outdoor ? svg.col(30, 0.06, 0.42) : svg.col(28, 0.35, 0.36)],
      [1, outdoor ? svg.col(30, 0.06, 0.26) : svg.col(28, 0.35, 0.2)],
    ]),
  );
  svg.rect(0, top, width, height * 0.012, outdoor ? svg.col(30, 0.06, 0.52) : svg.col(28, 0.3, 0.5));
}

function drawCast(svg: Svg, input: PictureInput): void {
  const plan = castPlan(input);
  for (const { figure, place, state } of plan) drawFigure(svg, figure, place, state);
  if (plan.length > 0) drawLedge(svg, input.setting);
}

/** A part of the picture rasterised alone, with where it goes. */
interface Piece {
  x: number;
  y: number;
  pixels: RasterPixels;
}

/**
 * Promised results kept by key for the next callers; the least recently used are dropped once the weight
 * of the settled ones passes `budget`. A failure is not kept.
 */
class KeptPromises<T> {
  private readonly kept = new Map<string, { value: Promise<T>; weight: number }>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly weigh: (value: T) => number,
  ) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.kept.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit.value;
    }
    const entry = { value: make(), weight: 0 };
    this.kept.set(key, entry);
    entry.value.then(
      (value) => {
        if (this.kept.get(key) !== entry) return; // dropped before it settled
        entry.weight = this.weigh(value);
        this.total += entry.weight;
        for (const [old, kept] of this.kept) {
          if (this.total <= this.budget || old === key) break;
          this.kept.delete(old);
          this.total -= kept.weight;
        }
      },
      () => {
        if (this.kept.get(key) === entry) this.kept.delete(key);
      },
    );
    return entry.value;
  }
}

/** Pieces kept for the next states and scenes, bounded by bytes (a 720p figure is ≈ 0.5 MB). */
const pieces = new KeptPromises<Piece>(96 * 1024 * 1024, (piece) => piece.pixels.rgba.length);
const portraitKeys = new WeakMap<Buffer, string>();

function portraitKey(portrait: Buffer | undefined): string {
  if (!portrait) return '-';
  let key = portraitKeys.get(portrait);
  if (!key) {
    key = createHash('sha1').update(portrait).digest('hex');
    portraitKeys.set(portrait, key);
  }
  return key;
}

/**
 * The rectangle that holds everything `drawFigure` paints (glow, lift and growth included), relative to
 * the placement's corner: whole pixels, as placements are (see layoutFigures).
 */
function figureBox(size: number) {
  const x0 = Math.floor(-0.05 * size) - 2;
  const y0 = Math.floor(-0.2 * size) - 2;
  return { dx: x0, dy: y0, width: Math.ceil(1.05 * size) + 2 - x0, height: Math.ceil(1.05 * size) + 2 - y0 };
}

async function rasterisePiece(
  input: PictureInput,
  view: { x: number; y: number; width: number; height: number },
  draw: (svg: Svg) => void,
): Promise<Piece> {
  const svg = new Svg(input.width, input.height, input.setting.timeOfDay ?? 'day', view);
  draw(svg);
  return { x: view.x, y: view.y, pixels: await rasteriseSvgPixels(svg.toString(), { width: view.width }) };
}

/** Lays premultiplied RGBA `piece` over `canvas` (source-over), clipped to the canvas. */
function blendOver(canvas: RasterPixels, piece: Piece): void {
  const { width: pw, height: ph, rgba: src } = piece.pixels;
  const dst = canvas.rgba;
  for (let row = 0; row < ph; row++) {
    const y = piece.y + row;
    if (y < 0 || y >= canvas.height) continue;
    for (let col = 0; col < pw; col++) {
      const x = piece.x + col;
      if (x < 0 || x >= canvas.width) continue;
      const s = (row * pw + col) * 4;
      const a = src[s + 3] as number;
      if (a === 0) continue;
      const d = (y * canvas.width + x) * 4;
      if (a === 255) {
        dst[d] = src[s] as number;
        dst[d + 1] = src[s + 1] as number;
        dst[d + 2] = src[s + 2] as number;
        dst[d + 3] = 255;
        continue;
      }
      const keep = 255 - a;
      for (let c = 0; c < 4; c++) {
        dst[d + c] = ((src[s + c] as number) + ((dst[d + c] as number) * keep + 127) / 255) | 0;
      }
    }
  }
}

/**
 * The characters alone on a transparent canvas, as raw premultiplied pixels: the same picture as
 * rasterising `castSvg`, drawn figure by figure. Each figure in each state (and the ledge) is rasterised
 * once, at its own size, and kept: a scene's speaker states and a drama's scenes share them, where
 * rasterising the whole canvas per state decoded and scaled every portrait again (≈ 1 s of the main
 * thread per scene).
 */
export async function castPixels(input: PictureInput): Promise<RasterPixels> {
  const { width, height } = input;
  const time = input.setting.timeOfDay ?? 'day';
  const plan = castPlan(input);
  const layers = plan.map(async ({ figure, place, state }) => {
    // A figure is drawn the same at every time of day and in every slot of its size: drawn once, it is
    // moved by whole pixels to wherever it stands.
    const box = figureBox(place.size);
    const key = ['figure', state, place.size, figure.name, figure.description, portraitKey(figure.portrait)];
    const drawn = await pieces.get(key.join('|'), () =>
      rasterisePiece(
        input,
        { x: place.x + box.dx, y: place.y + box.dy, width: box.width, height: box.height },
        (svg) => drawFigure(svg, figure, place, state),
      ),
    );
    return { x: place.x + box.dx, y: place.y + box.dy, pixels: drawn.pixels };
  });
  if (plan.length > 0) {
    const top = Math.floor(ledgeTop(width, height));
    const outdoor = OUTDOOR.includes(classifyPlace(input.setting.place));
    const view = { x: 0, y: top, width, height: height - top };
    layers.push(
      pieces.get(['ledge', width, height, time, outdoor].join('|'), () =>
        rasterisePiece(input, view, (svg) => drawLedge(svg, input.setting)),
      ),
    );
  }
  const canvas: RasterPixels = { width, height, rgba: Buffer.alloc(width * height * 4) };
  for (const layer of layers) blendOver(canvas, await layer);
  return canvas;
}

/**
 * One picture as raw premultiplied pixels: the place's (kept) backdrop with the cast laid over it, the
 * same pixels as rasterising `pictureSvg` but from the pieces the scene renders also use.
 */
export async function picturePixels(input: PictureInput): Promise<RasterPixels> {
  const [backdrop, cast] = await Promise.all([
    backdropPixels(input.setting, input.width, input.height),
    castPixels(input),
  ]);
  const canvas: RasterPixels = {
    width: backdrop.width,
    height: backdrop.height,
    rgba: Buffer.from(backdrop.rgba),
  };
  blendOver(canvas, { x: 0, y: 0, pixels: cast });
  return canvas;
}

/** One picture as PNG (see picturePixels). */
export async function renderPicture(input: PictureInput): Promise<Buffer> {
  return encodePng(await picturePixels(input));
}

/** About 4 MB each at 720p (16:9 with the camera's overscan); the stills and the renders use two sizes. */
const backdrops = new KeptPromises<RasterPixels>(16, () => 1);

/**
 * The backdrop's pixels, kept for the next scenes at the same place (a drama returns to its places
 * often, and drawing one takes 0.1–0.5 s).
 */
export function backdropPixels(
  setting: PictureSetting,
  width: number,
  height: number,
): Promise<RasterPixels> {
  const key = `${width}x${height}|${setting.timeOfDay ?? 'day'}|${setting.place}`;
  return backdrops.get(key, () => {
    const svg = new Svg(width, height, setting.timeOfDay ?? 'day');
    drawBackdrop(svg, setting.place);
    return rasteriseSvgPixels(svg.toString(), { width }).then(opaque);
  });
}

/**
 * The backdrop is the bottom layer and must cover every pixel. Where two of its shapes meet at a
 * fractional edge, antialiasing leaves a row of partly transparent pixels (a faint dark line across the
 * picture once the video drops alpha); each such pixel is laid over the one above it (the one below, on
 * the first row), which fills the seam with the colour next to it.
 */
function opaque(pixels: RasterPixels): RasterPixels {
  const { width, height, rgba } = pixels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const a = rgba[p + 3] as number;
      if (a === 255) continue;
      const q = y > 0 ? p - width * 4 : height > 1 ? p + width * 4 : -1;
      const keep = 255 - a;
      for (let c = 0; c < 3; c++) {
        const under = q >= 0 ? (rgba[q + c] as number) : 0;
        rgba[p + c] = Math.min(255, (rgba[p + c] as number) + Math.round((under * keep) / 255));
      }
      rgba[p + 3] = 255;
    }
  }
  return pixels;
}

/** Reads each character's portrait once; a portrait that cannot be read falls back to a drawn figure. */
export async function loadFigures(characters: readonly PictureCharacter[]): Promise<Figure[]> {
  return Promise.all(
    characters.slice(0, MAX_FIGURES).map(async (c) => {
      const portrait = c.portraitPath ? await readFile(c.portraitPath).catch(() => undefined) : undefined;
      return { name: c.name, description: c.description, ...(portrait ? { portrait } : {}) };
    }),
  );
}
