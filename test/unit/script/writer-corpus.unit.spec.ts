import { describe, expect, it } from '@jest/globals';
import { checkScriptAgainstRequest, scriptQualityProblems } from '../../../src/domain/script/script-check.js';
import type { Script, ScriptRequest } from '../../../src/domain/script/script.schema.js';
import { lineSpeechSec } from '../../../src/domain/script/speech-time.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { layoutDialogue, requiredSpeedup } from '../../../src/infrastructure/media/dialogue-timeline.js';
import { WRITER_CORPUS } from './writer-corpus.js';

const requestFor = (c: (typeof WRITER_CORPUS)[number]): ScriptRequest => ({ prompt: c.prompt, ...c.shape });
const written = WRITER_CORPUS.map((c) => ({ c, script: writeTemplateScript(requestFor(c)) }));
const scenesOf = (script: Script) => script.episodes.flatMap((e) => e.scenes);

/** Where a prompt's entity may show up: names, locations, descriptions, actions and dialogue. */
function surfaces(script: Script, narrow: boolean): string {
  return [
    ...script.characters.map((c) => c.name),
    ...scenesOf(script).flatMap((s) => [
      s.location,
      ...(narrow ? [] : [s.description, ...s.actions]),
      ...s.dialogue.map((d) => d.line),
    ]),
  ]
    .join('\n')
    .toLowerCase();
}

const reached = (script: Script, entity: readonly string[], narrow = false) =>
  entity.some((spelling) => surfaces(script, narrow).includes(spelling.toLowerCase()));

// As scene-renderer.ts times a scene: 0.4 s fades plus 0.3 s before the first line and after the last.
const timing = (durationSec: number) => ({ durationSec, leadInSec: 0.7, tailSec: 0.7 });

describe('the offline writer on a corpus of prompts', () => {
  it('has a varied corpus of at least 20 prompts, about half Chinese and half English', () => {
    expect(WRITER_CORPUS.length).toBeGreaterThanOrEqual(20);
    const zh = WRITER_CORPUS.filter((c) => /[\u4e00-\u9fff]/.test(c.prompt)).length;
    expect(Math.abs(zh - (WRITER_CORPUS.length - zh))).toBeLessThanOrEqual(2);
  });

  it('carries at least 90 % of the entities each prompt names into its script', () => {
    let total = 0;
    let hits = 0;
    let narrowHits = 0;
    const misses: string[] = [];
    for (const { c, script } of written) {
      for (const entity of c.entities) {
        total++;
        if (reached(script, entity)) hits++;
        else misses.push(`${entity[0]} (${c.prompt.slice(0, 24)}…)`);
        if (reached(script, entity, true)) narrowHits++;
      }
    }
    const share = hits / total;
    console.log(
      `prompt entities reaching the script: ${hits}/${total} = ${(100 * share).toFixed(1)} % ` +
        `(names, locations and dialogue alone: ${(100 * (narrowHits / total)).toFixed(1)} %); ` +
        `missed: ${misses.join(', ') || 'none'}`,
    );
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  it('writes scripts that satisfy their request and have no bad lines', () => {
    for (const { c, script } of written) {
      expect({ prompt: c.prompt, problems: checkScriptAgainstRequest(script, requestFor(c)) }).toEqual({
        prompt: c.prompt,
        problems: [],
      });
      expect({ prompt: c.prompt, problems: scriptQualityProblems(script) }).toEqual({
        prompt: c.prompt,
        problems: [],
      });
    }
  });

  it('gives every scene as much time as its dialogue fills, in both languages', () => {
    const rows: { lang: string; trailing: number; speedup: number }[] = [];
    for (const { script } of written) {
      for (const scene of scenesOf(script)) {
        const natural = scene.dialogue.map((d) => lineSpeechSec(d.line));
        // The renderer speaks faster (up to 1.45×) when the lines do not fit, then lays them out.
        const speedup = requiredSpeedup(natural, timing(scene.duration_sec));
        const speech = natural.map((sec) => (speedup > 1 ? sec / Math.min(1.45, speedup * 1.04) : sec));
        const { slots, dropped } = layoutDialogue(speech, timing(scene.duration_sec));
        rows.push({
          lang: script.language,
          trailing: scene.duration_sec - (slots.at(-1)?.endSec ?? 0),
          speedup,
        });
        expect({ scene: scene.title, dropped }).toEqual({ scene: scene.title, dropped: [] });
      }
    }
    for (const lang of ['zh', 'en']) {
      const mine = rows.filter((r) => r.lang === lang);
      const worst = Math.max(...mine.map((r) => r.trailing));
      const fastest = Math.max(...mine.map((r) => r.speedup));
      console.log(
        `${lang}: ${mine.length} scenes; silence after the last line ≤ ${worst.toFixed(1)} s; speech sped up ≤ ${fastest.toFixed(2)}×`,
      );
      expect(worst).toBeLessThanOrEqual(2.5);
      expect(fastest).toBeLessThanOrEqual(1.25);
    }
  });

  it('writes the same script for the same prompt', () => {
    for (const { c, script } of written.slice(0, 4))
      expect(writeTemplateScript(requestFor(c))).toEqual(script);
  });

  it('tells different prompts different stories, not one skeleton with new names', () => {
    // A plot's skeleton: what sets it off, how it falls apart, where it comes to a head, with the
    // cast's names blanked out. No two prompts of the corpus may share one.
    const skeleton = (script: Script) => {
      const names = script.characters
        .flatMap((c) => [c.name, ...c.name.split(/[\s·]/)])
        .filter((n) => n.length > 1)
        .sort((a, b) => b.length - a.length);
      const blank = (text: string) => names.reduce((t, n) => t.split(n).join('_'), text);
      const at = (beat: string) => scenesOf(script).find((s) => s.beat === beat);
      return [
        blank(
          at('inciting_incident')
            ?.dialogue.map((d) => d.line)
            .join(' ') ?? '',
        ),
        blank(at('crisis')?.description ?? ''),
        at('climax')?.location ?? '',
      ].join(' | ');
    };
    const seen = new Map<string, string>();
    for (const { c, script } of written) {
      const key = skeleton(script);
      expect({ prompt: c.prompt, sameAs: seen.get(key) }).toEqual({ prompt: c.prompt, sameAs: undefined });
      seen.set(key, c.prompt);
    }
  });
});
