import { describe, expect, it } from '@jest/globals';
import { scenesProjection } from '../../../src/projections/scenes/scenes.projection.js';
import { type GivenEvent, projectionSpec } from '../../support/projection-spec.js';

const spec = projectionSpec(scenesProjection);
const P = '11111111-1111-4111-8111-111111111111';
const S = '44444444-4444-4444-8444-444444444441';
const D = '33333333-3333-4333-8333-333333333331';

const added: GivenEvent = {
  streamId: `project-${P}`,
  type: 'SceneAdded',
  data: {
    projectId: P,
    sceneId: S,
    episode: 1,
    number: 2,
    title: '深夜加班',
    location: '北京写字楼',
    description: '灯火通明。',
    characters: [{ name: '林晓', role: '女主', description: '程序员' }],
    dialogue: [{ character: '林晓', line: '今晚必须上线。' }],
    durationSec: 30,
    addedAt: '2026-12-01T09:00:00.000Z',
  },
};

/** Events in, rows out: the scenes read model (hand-added scenes and those of generated scripts). */
describe('scenes projection', () => {
  it('makes a manual scene row of SceneAdded, with its cast and dialogue', async () => {
    const { scenes } = await spec.given([added]).rows();
    expect(scenes).toEqual([
      expect.objectContaining({
        id: S,
        project_id: P,
        drama_id: null,
        source: 'manual',
        episode: 1,
        number: 2,
        title: '深夜加班',
        location: '北京写字楼',
        characters: [{ name: '林晓', role: '女主', description: '程序员' }],
        dialogue: [{ character: '林晓', line: '今晚必须上线。' }],
        duration_sec: 30,
        image_key: null,
        superseded: false,
      }),
    ]);
  });

  it("ignores a video task's clip (its target is not a scene) and results of dramas it never saw", async () => {
    const { scenes } = await spec
      .given([
        added,
        {
          streamId: `videotask-${D}`,
          type: 'StageCompleted',
          data: {
            stage: 'video',
            target: 'task',
            provider: 'local',
            output: { stage: 'video', key: 'tasks/x.mp4' },
          },
        },
      ])
      .rows();
    expect(scenes).toHaveLength(1);
    expect(scenes[0]).toMatchObject({ id: S, video_key: null });
  });
});
