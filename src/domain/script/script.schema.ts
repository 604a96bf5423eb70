import { z } from 'zod';
import { BEATS } from './beats.js';
import { VOICE_IDS } from './voices.js';
import { GENDERS, LANGUAGES, TIMES_OF_DAY, detectLanguage, type Language } from './vocabulary.js';

/** Limits shared by the request schema, the writers and the checks, so all of them agree. */
export const SCRIPT_LIMITS = {
  promptMax: 2000,
  titleMax: 200,
  descriptionMax: 5000,
  genreMax: 50,
  episodesMin: 1,
  episodesMax: 20,
  scenesMin: 1,
  scenesMax: 10,
  durationMin: 10,
  durationMax: 3600,
  charactersMax: 20,
  nameMax: 40,
  lineMax: 300,
  /** Scene durations of an episode may miss the requested length by this much before it is a problem. */
  durationToleranceSec: 1,
} as const;
const L = SCRIPT_LIMITS;

const text = (max: number) => z.string().trim().min(1).max(max);

export const scriptRequestSchema = z.object({
  prompt: text(L.promptMax),
  title: text(L.titleMax).optional(),
  description: z.string().trim().max(L.descriptionMax).optional(),
  genre: z.string().trim().max(L.genreMax).optional(),
  episodes: z.number().int().min(L.episodesMin).max(L.episodesMax),
  scenes_per_episode: z.number().int().min(L.scenesMin).max(L.scenesMax),
  episode_duration_sec: z.number().int().min(L.durationMin).max(L.durationMax),
  language: z.enum(LANGUAGES).optional(),
});
export type ScriptRequest = z.infer<typeof scriptRequestSchema>;

export const requestLanguage = (request: Pick<ScriptRequest, 'prompt' | 'language'>): Language =>
  request.language ?? detectLanguage(request.prompt);

export const characterSchema = z.object({
  name: text(L.nameMax),
  role: text(40),
  description: z.string().trim().max(500),
  gender: z.enum(GENDERS),
  voice: z.enum(VOICE_IDS),
});
export type Character = z.infer<typeof characterSchema>;

export const dialogueLineSchema = z.object({
  character: text(L.nameMax),
  line: text(L.lineMax),
});
export type DialogueLine = z.infer<typeof dialogueLineSchema>;

export const sceneSchema = z.object({
  number: z.number().int().min(1),
  title: text(100),
  location: text(100),
  time_of_day: z.enum(TIMES_OF_DAY),
  description: text(1000),
  characters: z.array(text(L.nameMax)).max(L.charactersMax),
  dialogue: z.array(dialogueLineSchema).max(40),
  actions: z.array(text(300)).max(20),
  visual_prompt: text(2000),
  duration_sec: z.number().positive(),
  /** Where the scene sits in the three-act structure; optional because an LLM may not say. */
  beat: z.enum(BEATS).optional(),
});
export type Scene = z.infer<typeof sceneSchema>;

export const episodeSchema = z.object({
  number: z.number().int().min(1),
  title: text(100),
  summary: text(2000),
  scenes: z.array(sceneSchema).min(1).max(L.scenesMax),
});
export type Episode = z.infer<typeof episodeSchema>;

const scriptShape = z.object({
  title: text(L.titleMax),
  logline: text(500),
  language: z.enum(LANGUAGES),
  genre: text(L.genreMax),
  characters: z.array(characterSchema).min(1).max(L.charactersMax),
  episodes: z.array(episodeSchema).min(1).max(L.episodesMax),
});

export interface ScriptProblem {
  path: (string | number)[];
  message: string;
}

const sceneLabel = (e: number, s: number) => `episode ${e + 1}, scene ${s + 1}`;
const nameKey = (name: string) => name.trim().toLowerCase();

/** Problems a script has on its own, whatever was asked for: numbering, names, who speaks. */
export function scriptConsistencyProblems(
  script: Pick<z.infer<typeof scriptShape>, 'characters' | 'episodes'>,
): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  const known = new Set<string>();
  script.characters.forEach((c, i) => {
    if (known.has(nameKey(c.name))) {
      problems.push({ path: ['characters', i, 'name'], message: `character name "${c.name}" is used twice` });
    }
    known.add(nameKey(c.name));
  });
  const cast = script.characters.map((c) => c.name).join(', ');
  script.episodes.forEach((episode, e) => {
    if (episode.number !== e + 1) {
      problems.push({
        path: ['episodes', e, 'number'],
        message: `episode ${e + 1} is numbered ${episode.number}; number episodes 1, 2, 3… in order`,
      });
    }
    episode.scenes.forEach((scene, s) => {
      const at = ['episodes', e, 'scenes', s];
      if (scene.number !== s + 1) {
        problems.push({
          path: [...at, 'number'],
          message: `${sceneLabel(e, s)} is numbered ${scene.number}; number scenes 1, 2, 3… within each episode`,
        });
      }
      const present = new Set(scene.characters.map(nameKey));
      scene.characters.forEach((name, k) => {
        if (!known.has(nameKey(name))) {
          problems.push({
            path: [...at, 'characters', k],
            message: `${sceneLabel(e, s)}: "${name}" is not one of the characters (${cast})`,
          });
        }
      });
      scene.dialogue.forEach((line, k) => {
        if (!known.has(nameKey(line.character))) {
          problems.push({
            path: [...at, 'dialogue', k, 'character'],
            message: `${sceneLabel(e, s)}, line ${k + 1}: speaker "${line.character}" is not one of the characters (${cast})`,
          });
        } else if (!present.has(nameKey(line.character))) {
          problems.push({
            path: [...at, 'dialogue', k, 'character'],
            message: `${sceneLabel(e, s)}, line ${k + 1}: speaker "${line.character}" is missing from the scene's characters`,
          });
        }
      });
    });
  });
  return problems;
}

export const scriptSchema = scriptShape.superRefine((script, ctx) => {
  for (const { path, message } of scriptConsistencyProblems(script)) {
    ctx.addIssue({ code: 'custom', path, message });
  }
});
export type Script = z.infer<typeof scriptSchema>;
