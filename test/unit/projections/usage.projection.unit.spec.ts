import { describe, expect, it } from '@jest/globals';
import { usageProjection } from '../../../src/projections/usage/usage.projection.js';
import { dramaRequested, projectionSpec } from '../../support/projection-spec.js';

const spec = projectionSpec(usageProjection);
const P = '11111111-1111-4111-8111-111111111111';
const D = '33333333-3333-4333-8333-333333333331';
const stream = `drama-${D}`;

const requested = dramaRequested({ dramaId: D, projectId: P, ownerId: P });
const result = (type: 'StageCompleted' | 'StageFailed', stage: string, provider: string, usage: object) => ({
  streamId: stream,
  type,
  data: { stage, target: 'scene-1', provider, usage },
});

/** Events in, rows out: what generation consumed, per project, failed attempts included. */
describe('usage projection', () => {
  it('records one row per event and metric, splitting a video job between its video and speech providers', async () => {
    const { usage_entries } = await spec
      .given([
        requested,
        result('StageCompleted', 'script', 'qwen', { llm_prompt_tokens: 1200, llm_completion_tokens: 800 }),
        result('StageFailed', 'video', 'runway+qwen_tts', { video_seconds: 10, tts_characters: 42 }),
        result('StageCompleted', 'video', 'local+local', { video_seconds: 30, tts_characters: 0 }),
      ])
      .rows();
    const rows = usage_entries.map(({ metric, stage, provider, amount, project_id }) => ({
      metric,
      stage,
      provider,
      amount,
      project_id,
    }));
    expect(rows).toEqual(
      expect.arrayContaining([
        { metric: 'llm_prompt_tokens', stage: 'script', provider: 'qwen', amount: 1200, project_id: P },
        { metric: 'llm_completion_tokens', stage: 'script', provider: 'qwen', amount: 800, project_id: P },
        { metric: 'video_seconds', stage: 'video', provider: 'runway', amount: 10, project_id: P },
        { metric: 'tts_characters', stage: 'video', provider: 'qwen_tts', amount: 42, project_id: P },
        { metric: 'video_seconds', stage: 'video', provider: 'local', amount: 30, project_id: P },
      ]),
    );
    expect(rows).toHaveLength(5); // a zero amount is not a row
  });

  it('counts nothing for a stream it never saw requested', async () => {
    const { usage_entries, usage_streams } = await spec
      .given([result('StageCompleted', 'script', 'qwen', { llm_prompt_tokens: 5 })])
      .rows();
    expect({ usage_entries, usage_streams }).toEqual({ usage_entries: [], usage_streams: [] });
  });
});
