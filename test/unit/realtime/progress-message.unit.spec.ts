import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import {
  type ProgressMessage,
  toProgressMessage,
  withMediaUrls,
} from '../../../src/application/realtime/progress-message.js';
import type { DramaEvent } from '../../../src/domain/drama/drama.events.js';
import type { DramaState } from '../../../src/domain/drama/drama.state.js';
import { DramaHarness, NOW, OWNER, request } from '../drama/drama-harness.js';

const stored = (events: { type: string; data: unknown }[], streamId: string, from = 1): StoredEvent[] =>
  events.map((e, i) => ({
    id: `e${from + i}`,
    type: e.type,
    data: e.data,
    streamId,
    streamVersion: i + 1,
    globalPosition: from + i,
    metadata: { correlationId: 'c', causationId: null, userId: null, schemaVersion: 1, occurredAt: NOW },
    recordedAt: NOW,
  }));

function mapAll(events: DramaEvent[], streamId = 'drama-d-1'): ProgressMessage[] {
  let state: DramaState = { status: 'empty' };
  const out: ProgressMessage[] = [];
  for (const event of stored(events, streamId)) {
    const mapped = toProgressMessage(state, event);
    state = mapped.state;
    if (mapped.message) out.push(mapped.message);
  }
  return out;
}

describe('progress messages from stored events', () => {
  it('tells a watcher of a whole drama each stage starting and completing, the scenes, and the episodes', () => {
    const drama = new DramaHarness(request({ episodes: 1, scenesPerEpisode: 2 }));
    drama.completeAll();
    const messages = mapAll(drama.events);

    expect(messages[0]).toMatchObject({
      type: 'drama.requested',
      project_id: 'p-1',
      drama_id: 'd-1',
      status: 'pending',
      progress: 0,
      data: { kind: 'drama', episodes: 1, scenes_per_episode: 2 },
    });
    const stages = ['script', 'cast', 'storyboard', 'images', 'video', 'review', 'assemble'];
    expect(messages.filter((m) => m.type === 'stage.started').map((m) => m.stage)).toEqual(stages);
    expect(messages.filter((m) => m.type === 'stage.completed').map((m) => m.stage)).toEqual(stages);
    // Two scenes per scene stage: the first is `scene.done`, the second completes the stage.
    expect(messages.filter((m) => m.type === 'scene.done').map((m) => [m.stage, m.data.done])).toEqual([
      ['images', 1],
      ['video', 1],
      ['review', 1],
    ]);
    const progress = messages.map((m) => m.progress!);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    const last = messages[messages.length - 1]!;
    expect(last).toMatchObject({ type: 'drama.completed', status: 'completed', progress: 100, stage: null });
    // One message per event at most: the position identifies it.
    const positions = messages.map((m) => m.position);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('signs the episode links of a completion when it is sent', async () => {
    const drama = new DramaHarness(request({ episodes: 1, scenesPerEpisode: 1 }));
    drama.completeAll();
    const completed = mapAll(drama.events).find((m) => m.type === 'drama.completed')!;
    const sent = await withMediaUrls(completed, async (key) => (key ? `/media/${key}?sig=x` : null));
    expect(sent.data).toEqual({
      episodes: [
        {
          number: 1,
          status: 'completed',
          duration_sec: 60,
          video_url: '/media/ep1.mp4?sig=x',
          subtitles_url: '/media/s?sig=x',
          vtt_url: '/media/v?sig=x',
          poster_url: '/media/p?sig=x',
        },
      ],
    });
  });

  it('reports pause, resume, cancel with its reason, and a failed drama with its reason', () => {
    const paused = new DramaHarness();
    paused.settle();
    paused.run({ type: 'PauseDrama', data: { actorId: OWNER, now: NOW } });
    paused.run({ type: 'ResumeDrama', data: { actorId: OWNER, now: NOW } });
    paused.run({ type: 'CancelDrama', data: { actorId: OWNER, reason: 'changed my mind', now: NOW } });
    const tail = mapAll(paused.events).slice(-3);
    expect(tail.map((m) => [m.type, m.status])).toEqual([
      ['drama.paused', 'paused'],
      ['drama.resumed', 'running'],
      ['drama.cancelled', 'cancelled'],
    ]);
    expect(tail[2]!.data).toMatchObject({ reason: 'changed my mind' });

    const failing = new DramaHarness();
    failing.settle();
    const [script] = failing.openJobs();
    failing.run({ type: 'StartJob', data: { jobId: script!.jobId, worker: 'w', now: NOW } });
    failing.fail(script!, 'moderation', 'blocked words in the prompt');
    failing.settle();
    const messages = mapAll(failing.events);
    expect(messages.find((m) => m.type === 'stage.failed')).toMatchObject({
      stage: 'script',
      data: { error_class: 'moderation', message: 'blocked words in the prompt' },
    });
    expect(messages[messages.length - 1]).toMatchObject({
      type: 'drama.failed',
      status: 'failed',
      data: { reason: expect.stringContaining('blocked words') },
    });
  });

  it('says nothing for an event that changes nothing a watcher sees', () => {
    const drama = new DramaHarness();
    drama.settle();
    const messages = mapAll(drama.events);
    // DramaRequested, then JobScheduled (script): the stage becomes active, which the summary shows.
    const [job] = drama.openJobs();
    const before = messages.length;
    drama.run({
      type: 'RecordExternalTask',
      data: { jobId: job!.jobId, provider: 'x', taskId: 't', now: NOW },
    });
    expect(mapAll(drama.events)).toHaveLength(before);
  });

  it('maps project events to the project id of their stream', () => {
    const [created, updated] = stored(
      [
        { type: 'ProjectCreated', data: { projectId: 'p-9', title: '剧', ownerId: OWNER } },
        { type: 'ProjectUpdated', data: { projectId: 'p-9', changes: { title: 'x', genre: 'y' } } },
      ],
      'project-p-9',
      40,
    );
    expect(toProgressMessage({ status: 'empty' }, created!).message).toMatchObject({
      type: 'project.created',
      project_id: 'p-9',
      position: 40,
    });
    expect(toProgressMessage({ status: 'empty' }, updated!).message).toMatchObject({
      type: 'project.updated',
      data: { changes: ['genre', 'title'] },
    });
  });
});
