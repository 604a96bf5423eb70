import { describe, expect, it } from '@jest/globals';
import { planNext } from '../../../src/domain/drama/drama.planner.js';
import { dramaStream, videoTaskStream } from '../../../src/domain/drama/drama.streams.js';
import type { ScheduleJobs } from '../../../src/domain/drama/drama.commands.js';
import { deps, NOW, OWNER, request } from './drama-harness.js';

const D = '44444444-4444-4444-8444-444444444441';

/** DramaRequested as the log holds it: data as written and the schema version it was written in. */
function recorded(version: number, resolution?: '720p' | '1080p') {
  const { resolution: _ignored, ...older } = request();
  return {
    type: 'DramaRequested',
    data: {
      dramaId: D,
      projectId: 'p-1',
      ownerId: OWNER,
      kind: 'drama',
      request: resolution ? { ...older, resolution } : older,
      requestedAt: NOW,
    },
    metadata: { schemaVersion: version },
  };
}

const scheduled = (commands: ReturnType<typeof planNext>) =>
  commands.flatMap((c) => (c.type === 'ScheduleJobs' ? (c as ScheduleJobs).data.jobs : []));

describe('DramaRequested v1 → v2 (resolution stated)', () => {
  it('is written in version 2 on both drama stream kinds', () => {
    expect(dramaStream.schemaVersion('DramaRequested')).toBe(2);
    expect(videoTaskStream.schemaVersion('DramaRequested')).toBe(2);
    expect(dramaStream.schemaVersion('JobScheduled')).toBe(1);
  });

  it('reads a version-1 request without a resolution as 720p, and keeps one that has it', () => {
    const old = dramaStream.decode(recorded(1));
    expect(old.type === 'DramaRequested' && old.data.request.resolution).toBe('720p');
    const hd = dramaStream.decode(recorded(1, '1080p'));
    expect(hd.type === 'DramaRequested' && hd.data.request.resolution).toBe('1080p');
    // Version 2 is read as written, and nothing else of the event changes.
    const v2 = dramaStream.decode(recorded(2, '720p'));
    expect(v2).toEqual(dramaStream.decode(recorded(1)));
  });

  it('changes no job of an old drama: it folds to the state a new 720p request folds to', () => {
    // Equal states plan equal jobs from here on, whatever happens next (the planner is a pure function).
    expect(dramaStream.fold([recorded(1)])).toEqual(dramaStream.fold([recorded(2, '720p')]));
    const jobs = scheduled(planNext(dramaStream.fold([recorded(1)]), deps()));
    expect(jobs.map((j) => j.stage)).toEqual(['script']);
    expect(jobs).toEqual(scheduled(planNext(dramaStream.fold([recorded(2, '720p')]), deps())));
    expect(dramaStream.fold([recorded(1)])).not.toEqual(dramaStream.fold([recorded(2, '1080p')]));
  });
});
