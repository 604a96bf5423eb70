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
import { rasteriseSvg, rasteriseSvgPixels, type RasterPixels } from './svg-raster.js';
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

function drawCast(svg: Svg, input: PictureInput): void {
  const { width, height } = input;
  const figures = input.figures.slice(0, MAX_FIGURES);
  const places = layoutFigures(figures.length, width, height);
  const speaking = input.speaker ? figures.findIndex((f) => f.name === input.speaker) : -1;
  const stateOf = (i: number): FigureState =>
    speaking < 0 ? 'neutral' : i === speaking ? 'speaking' : 'listening';
  // Back row first, then the front row; the speaker is drawn last within its row.
  const order = figures
    .map((_, i) => i)
    .sort((a, b) => {
      const rowA = places[a]?.row === 'back' ? 0 : 1;
      const rowB = places[b]?.row === 'back' ? 0 : 1;
      return rowA - rowB || Number(a === speaking) - Number(b === speaking) || a - b;
    });
  for (const i of order) drawFigure(svg, figures[i] as Figure, places[i] as Placement, stateOf(i));
  if (figures.length > 0) {
    const top = height * (height > width ? LEDGE_TOP.portrait : LEDGE_TOP.landscape);
    const outdoor = OUTDOOR.includes(classifyPlace(input.setting.place));
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
}

export async function renderPicture(input: PictureInput): Promise<Buffer> {
  return rasteriseSvg(pictureSvg(input), { width: input.width });
}

const backdrops = new Map<string, Promise<RasterPixels>>();
/** About 4 MB each at 720p (16:9 with the camera's overscan). */
const BACKDROP_CACHE = 8;

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
  let pixels = backdrops.get(key);
  if (pixels) {
    backdrops.delete(key);
  } else {
    const svg = new Svg(width, height, setting.timeOfDay ?? 'day');
    drawBackdrop(svg, setting.place);
    pixels = rasteriseSvgPixels(svg.toString(), { width });
    pixels.catch(() => backdrops.delete(key));
  }
  backdrops.set(key, pixels);
  while (backdrops.size > BACKDROP_CACHE) backdrops.delete(backdrops.keys().next().value as string);
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
