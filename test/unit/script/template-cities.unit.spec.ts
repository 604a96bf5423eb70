import { describe, expect, it } from '@jest/globals';
import { validateScript } from '../../../src/domain/script/script-check.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';

describe('template script in cities the template has no landmarks for', () => {
  it.each([
    'Chicago, a night-shift nurse and a jazz pianist',
    '武汉，一个记者和一个警察',
    'Seoul, two rival chefs',
  ])('writes a valid script for "%s"', (prompt) => {
    const request = { prompt, episodes: 2, scenes_per_episode: 6, episode_duration_sec: 120 };
    const script = writeTemplateScript(request);
    expect(validateScript(script, request)).toEqual({ ok: true, script });
  });
});
