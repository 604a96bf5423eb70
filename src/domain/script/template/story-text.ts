import type { Beat } from '../beats.js';
import type { Gender, TimeOfDay } from '../vocabulary.js';

export const GENRES = ['romance', 'mystery', 'workplace', 'comedy', 'family'] as const;
export type GenreKey = (typeof GENRES)[number];

/** A: protagonist, B: the other lead, C: the friend, D: the pressure (boss, mastermind, father…). */
export type Speaker = 'A' | 'B' | 'C' | 'D';
export type Line = readonly [Speaker, string];
/** A short exchange that reads on its own; scenes are built from whole units, never half of one. */
export type Unit = readonly Line[];

/** Marks where a beat's genre-specific exchange goes; that exchange is the part a short scene keeps. */
export const GENRE_UNIT = 'genre';

export interface BeatText {
  title: string;
  summary: string;
  actions: readonly string[];
  visual: string;
  /** Key beats: exchanges in story order. Development beats: a pool, drawn from without repeats. */
  units: ReadonlyArray<Unit | typeof GENRE_UNIT>;
  /** Key beats without a genre unit: the unit a short scene keeps. */
  core?: number;
}

export interface GenreText {
  label: string;
  title: string;
  incidents: ReadonlyArray<{ name: string; lines: Unit }>;
  want: string;
  stake: string;
  pressure: string;
  crisisEvent: string;
  midpoint: Unit;
  crisis: Unit;
  climax: Unit;
  ending: Unit;
  climaxSpot: string;
  dSpot: string;
  mood: string;
  /** Story functions of B, C and D, shown as each character's role. */
  functions: Record<'A' | 'B' | 'C' | 'D', string>;
  dJob: string;
  /** How A addresses D, and how others speak of D to A. */
  dCall: string;
  dRef: string;
  dTrait: string;
}

/** Everything a template script says, in one language. */
export interface StoryText {
  genres: Record<GenreKey, GenreText>;
  beats: Record<Beat, BeatText>;
  logline: string;
  cJob: string;
  cTrait: string;
  traits: Record<'A' | 'B', readonly string[]>;
  timeWords: Record<TimeOfDay, string>;
  style: string;
  defaultPlace: string;
  surnames: readonly string[];
  given: Record<Exclude<Gender, 'unknown'>, readonly string[]>;
}

/** Which genre exchange fills the genre slot of each key beat. */
export const GENRE_HOOKS: Partial<Record<Beat, 'incident' | 'midpoint' | 'crisis' | 'climax' | 'ending'>> = {
  inciting_incident: 'incident',
  midpoint: 'midpoint',
  crisis: 'crisis',
  climax: 'climax',
  resolution: 'ending',
};
