import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  NO_STREAM,
  type RecordedEvent,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersion,
} from '@kurrent/kurrentdb-client';
import { WrongExpectedVersionError } from '../../../src/application/ports/event-store.port.js';
import {
  isSystemEvent,
  satisfies,
  toEventData,
  toGlobalPosition,
  toReadPosition,
  toStoredEvent,
  toStreamState,
  toStreamVersion,
  translateAppendError,
} from '../../../src/infrastructure/event-store/kurrentdb.mapping.js';
import { newEvent } from '../../support/events.js';

/** What the server hands back for an event we appended: the JSON goes over the wire as text. */
const recorded = (
  appended: ReturnType<typeof toEventData>,
  overrides: Partial<Pick<RecordedEvent, 'revision' | 'position' | 'created'>> = {},
): RecordedEvent =>
  ({
    streamId: 'project-1',
    id: appended.id,
    type: appended.type,
    revision: 0n,
    isJson: true,
    created: new Date('2026-11-28T03:00:00.123Z'),
    data: JSON.parse(JSON.stringify(appended.data)),
    metadata: JSON.parse(JSON.stringify(appended.metadata)),
    position: { commit: 4096n, prepare: 4096n },
    ...overrides,
  }) as RecordedEvent;

describe('KurrentDB mapping', () => {
  describe('expected versions (ours from 1, Kurrent revisions from 0)', () => {
    it('maps any / no_stream / stream_exists and exact versions', () => {
      expect(toStreamState('any')).toBe(ANY);
      expect(toStreamState('no_stream')).toBe(NO_STREAM);
      expect(toStreamState('stream_exists')).toBe(STREAM_EXISTS);
      expect(toStreamState(0)).toBe(NO_STREAM);
      expect(toStreamState(1)).toBe(0n);
      expect(toStreamState(42)).toBe(41n);
    });

    it('rejects versions that are not whole non-negative numbers', () => {
      expect(() => toStreamState(-1)).toThrow(RangeError);
      expect(() => toStreamState(1.5)).toThrow(RangeError);
    });

    it('maps Kurrent stream states back to versions', () => {
      expect(toStreamVersion(NO_STREAM)).toBe(0);
      expect(toStreamVersion(0n)).toBe(1);
      expect(toStreamVersion(41n)).toBe(42);
      expect(toStreamVersion(-1n)).toBe(0);
    });

    it('decides like the port: any always, no_stream on 0, stream_exists above 0, exact on equality', () => {
      expect([0, 3].map((v) => satisfies('any', v))).toEqual([true, true]);
      expect([0, 3].map((v) => satisfies('no_stream', v))).toEqual([true, false]);
      expect([0, 3].map((v) => satisfies('stream_exists', v))).toEqual([false, true]);
      expect([0, 3].map((v) => satisfies(0, v))).toEqual([true, false]);
      expect([2, 3].map((v) => satisfies(3, v))).toEqual([false, true]);
    });
  });

  describe('positions', () => {
    it('uses the log offset as the global position and reads "after" from it', () => {
      expect(toGlobalPosition({ commit: 1234n, prepare: 1234n }, '$all')).toBe(1234);
      expect(toReadPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    });

    it('takes the prepare position on stream reads, whose commit position is unknown', () => {
      expect(toGlobalPosition({ commit: 2n ** 64n - 1n, prepare: 777n }, 'stream')).toBe(777);
      expect(toGlobalPosition({ commit: 2n ** 64n - 1n, prepare: 777n }, '$all')).toBe(777);
    });

    it('refuses events of legacy explicit transactions and offsets beyond 2^53', () => {
      expect(() => toGlobalPosition({ commit: 900n, prepare: 800n }, '$all')).toThrow(/explicit transaction/);
      expect(() => toGlobalPosition({ commit: 2n ** 60n, prepare: 2n ** 60n }, '$all')).toThrow(RangeError);
      expect(() => toGlobalPosition(undefined, 'stream')).toThrow(/without its log position/);
    });
  });

  describe('events and metadata', () => {
    it('round-trips type, data and every metadata field', () => {
      const event = newEvent(
        'ProjectRenamed',
        { title: '北京 · 996', nested: { list: [1, 2], nil: null }, emoji: '🎬' },
        { correlationId: 'corr-1', causationId: 'cause-1', userId: 'user-1', schemaVersion: 2, tenant: 't1' },
      );
      const data = toEventData(event);
      expect(data).toMatchObject({ id: event.id, type: 'ProjectRenamed', contentType: 'application/json' });
      const stored = toStoredEvent(recorded(data, { revision: 4n }), '$all');
      expect(stored).toEqual({
        id: event.id,
        type: 'ProjectRenamed',
        streamId: 'project-1',
        streamVersion: 5,
        globalPosition: 4096,
        data: event.data,
        metadata: event.metadata,
        recordedAt: '2026-11-28T03:00:00.123Z',
      });
    });

    it("stores correlation and causation under Kurrent's own keys", () => {
      const withCause = toEventData(newEvent('A', {}, { correlationId: 'c', causationId: 'x' }));
      expect(withCause.metadata).toMatchObject({ $correlationId: 'c', $causationId: 'x' });
      expect(withCause.metadata).not.toHaveProperty('correlationId');
      const noCause = toEventData(newEvent('A', {}, { correlationId: 'c', causationId: null }));
      expect(noCause.metadata).not.toHaveProperty('$causationId');
      expect(toStoredEvent(recorded(noCause), 'stream').metadata.causationId).toBeNull();
    });

    it('stores events without data as JSON null', () => {
      const data = toEventData({ ...newEvent('Pinged'), data: undefined });
      expect(toStoredEvent(recorded(data), 'stream').data).toBeNull();
    });

    it('gives events written by other tools (no metadata) usable metadata', () => {
      const foreign = { ...recorded(toEventData(newEvent('A'))), metadata: undefined } as RecordedEvent;
      expect(toStoredEvent(foreign, 'stream').metadata).toEqual({
        correlationId: foreign.id,
        causationId: null,
        userId: null,
        schemaVersion: 1,
        occurredAt: '2026-11-28T03:00:00.123Z',
      });
    });

    it('recognises system events and system streams', () => {
      expect(isSystemEvent({ type: '$metadata', streamId: '$$project-1' })).toBe(true);
      expect(isSystemEvent({ type: '$statsCollected', streamId: '$stats-127.0.0.1:2113' })).toBe(true);
      expect(isSystemEvent({ type: 'Settings', streamId: '$settings' })).toBe(true);
      expect(isSystemEvent({ type: 'ProjectCreated', streamId: 'project-1' })).toBe(false);
    });
  });

  describe('errors', () => {
    it("turns Kurrent's wrong expected version into the port's, with our 1-based actual version", () => {
      const kurrent = new KurrentWrongExpectedVersion(undefined, {
        streamName: 'project-1',
        expected: 1n,
        current: 4n,
      });
      const error = translateAppendError(kurrent, 'project-1', 2);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: 'project-1', expected: 2, actual: 5 });
    });

    it('reports a missing stream as version 0, also from the v2 protocol', () => {
      const conflict = KurrentWrongExpectedVersion.fromRevisionConflict({
        stream: 'drama-1',
        expectedRevision: '3',
        actualRevision: '-1',
      });
      const error = translateAppendError(conflict, 'drama-1', 'stream_exists');
      expect(error).toMatchObject({ expected: 'stream_exists', actual: 0 });
      expect((error as Error).message).toBe(
        'wrong expected version for drama-1: expected stream_exists, actual 0',
      );
    });

    it('passes other errors through unchanged', () => {
      const notFound = new StreamNotFoundError(undefined, 'x');
      expect(translateAppendError(notFound, 'x', 'any')).toBe(notFound);
    });
  });
});
