import { describe, expect, it } from '@jest/globals';
import {
  dramaIdOf,
  dramaKindOf,
  dramaStream,
  dramaStreamFor,
  videoTaskStream,
} from '../../../src/domain/drama/drama.streams.js';
import { projectStream } from '../../../src/domain/project/project.streams.js';
import { type Decider, fold } from '../../../src/domain/shared/decider.js';
import { streamKind, UnreadableEventError } from '../../../src/domain/shared/stream-kind.js';
import { kindOfStream, projectStreamSet } from '../../../src/domain/streams.js';

type Greeted = { type: 'Greeted'; data: { name: string; language: string; polite: boolean } };
const greetings: Decider<string[], never, Greeted> = {
  decide: () => [],
  evolve: (state, event) => [...state, `${event.data.language}:${event.data.name}:${event.data.polite}`],
  initialState: () => [],
};

describe('a stream kind', () => {
  // Version 1 wrote `who`; version 2 renamed it to `name` and added `language`; version 3 added `polite`.
  const kind = streamKind('greeting', greetings, {
    Greeted: {
      1: ({ who, ...rest }) => ({ ...rest, name: who, language: 'zh' }),
      2: (data) => ({ ...data, polite: true }),
    },
  });

  it('builds and reads back its stream ids, and refuses another kind’s', () => {
    expect(kind.streamId('42')).toBe('greeting-42');
    expect(kind.owns('greeting-42')).toBe(true);
    expect(kind.owns('greetings-42')).toBe(false);
    expect(kind.idOf('greeting-a-b-c')).toBe('a-b-c');
    expect(() => kind.idOf('drama-42')).toThrow('drama-42 is not a greeting stream');
  });

  it('writes the newest schema version and lifts older events through every step', () => {
    expect(kind.schemaVersion('Greeted')).toBe(3);
    expect(kind.schemaVersion('SomethingElse')).toBe(1);
    const v1 = { type: 'Greeted', data: { who: '李雷' }, metadata: { schemaVersion: 1 } };
    const v2 = { type: 'Greeted', data: { name: 'Lucy', language: 'en' }, metadata: { schemaVersion: 2 } };
    const v3 = {
      type: 'Greeted',
      data: { name: 'Han', language: 'zh', polite: false },
      metadata: { schemaVersion: 3 },
    };
    const legacy = { type: 'Greeted', data: { who: '韩梅梅' } }; // written before metadata had a version
    expect(kind.decode(v1)).toEqual({
      type: 'Greeted',
      data: { name: '李雷', language: 'zh', polite: true },
    });
    expect(kind.fold([v1, v2, v3, legacy])).toEqual([
      'zh:李雷:true',
      'en:Lucy:true',
      'zh:Han:false',
      'zh:韩梅梅:true',
    ]);
  });

  it('refuses an event written by newer code instead of misreading it', () => {
    const future = { type: 'Greeted', data: { name: 'x' }, metadata: { schemaVersion: 4 } };
    expect(() => kind.decode(future)).toThrow(UnreadableEventError);
    expect(() => kind.decode(future)).toThrow(/schema version 4; this code reads up to 3/);
  });

  it('names the missing step when the table has a hole', () => {
    const holey = streamKind('holey', greetings, { Greeted: { 2: (d) => d } });
    expect(() => holey.decode({ type: 'Greeted', data: {}, metadata: { schemaVersion: 1 } })).toThrow(
      'no upcaster for Greeted from schema version 1',
    );
  });

  it('folds like the decider when nothing needs lifting', () => {
    const events: Greeted[] = [{ type: 'Greeted', data: { name: 'a', language: 'en', polite: true } }];
    const recorded = events.map((e) => ({ ...e, metadata: { schemaVersion: 3 } }));
    expect(kind.fold(recorded)).toEqual(fold(greetings, events));
  });
});

describe('the streams of this product', () => {
  it('tells every kind of stream apart by its id', () => {
    expect(kindOfStream('project-p1')).toBe('project');
    expect(kindOfStream('drama-d1')).toBe('drama');
    expect(kindOfStream('videotask-t1')).toBe('videotask');
    expect(kindOfStream('webhook-d1')).toBe('webhook');
    expect(kindOfStream('user-u1')).toBeNull();
    expect(dramaKindOf('project-p1')).toBeNull();
    expect(dramaKindOf('videotask-t1')).toBe(videoTaskStream);
  });

  it('puts a drama and a video task on their own streams and reads their ids back', () => {
    const id = '0d7c8f2e-5a55-4e3b-9a51-6c1bd6e1d0a1';
    expect(dramaStreamFor('drama', id)).toBe(dramaStream.streamId(id));
    expect(dramaStreamFor('script_only', id)).toBe(`drama-${id}`);
    expect(dramaStreamFor('single_video', id)).toBe(`videotask-${id}`);
    expect(dramaIdOf(`drama-${id}`)).toBe(id);
    expect(dramaIdOf(`videotask-${id}`)).toBe(id);
    expect(() => dramaIdOf(`project-${id}`)).toThrow('is not a drama or video-task stream');
  });

  it('lists a project’s streams: its own, each drama’s and task’s, and their webhook streams', () => {
    expect(projectStreamSet('p1', ['drama-d1', 'videotask-t1', 'something-else'])).toEqual([
      { streamId: projectStream.streamId('p1'), kind: 'project' },
      { streamId: 'drama-d1', kind: 'drama' },
      { streamId: 'webhook-d1', kind: 'webhook' },
      { streamId: 'videotask-t1', kind: 'videotask' },
      { streamId: 'webhook-t1', kind: 'webhook' },
    ]);
  });
});
