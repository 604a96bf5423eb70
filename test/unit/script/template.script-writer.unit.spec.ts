import { describe, expect, it } from '@jest/globals';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { TemplateScriptWriter } from '../../../src/infrastructure/ai/template.script-writer.js';

const request = {
  prompt: '上海，一个记者和一个警察',
  episodes: 2,
  scenes_per_episode: 2,
  episode_duration_sec: 60,
};

describe('TemplateScriptWriter', () => {
  it('labels itself as a template and returns the template script in one attempt', async () => {
    const writer = new TemplateScriptWriter();
    expect([writer.provider, writer.model, writer.kind]).toEqual(['template', 'template-v1', 'template']);
    await expect(writer.write(request)).resolves.toEqual({
      script: writeTemplateScript(request),
      provider: 'template',
      model: 'template-v1',
      attempts: 1,
    });
  });

  it('does not write for an aborted request', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(new TemplateScriptWriter().write(request, { signal: controller.signal })).rejects.toThrow(
      'cancelled by the user',
    );
  });
});
