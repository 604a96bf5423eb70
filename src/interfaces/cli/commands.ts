import { projectStream } from '../../domain/project/project.streams.js';
import { ProjectTimeline } from '../../application/audit/project-timeline.js';
import { verifyProject } from '../../application/audit/project-verify.js';
import { summarizeDrama } from '../../domain/drama/drama.progress.js';
import type { ConsumerAdmin } from '../../application/ports/consumer.port.js';
import type { Database } from '../../application/ports/database.port.js';
import type { EventHistory } from '../../application/ports/event-history.port.js';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { ProjectionAdmin, ReadModels } from '../../application/ports/read-models.port.js';
import { isUuid } from '../../domain/shared/ids.js';

/** What the commands work on: the cli profile's database, log, history, read models and consumers. */
export interface CliServices {
  db: Database;
  store: EventStore;
  history: EventHistory;
  readModels: ReadModels;
  runner: CliProjections;
  consumers: ConsumerAdmin;
}

/** What the CLI asks of the projection runner: the projections, their status, and offline rebuilds. */
export interface CliProjections extends Pick<ProjectionAdmin, 'names' | 'status'> {
  /** Rebuilds in one pass over the log; resolves to the number of events replayed. */
  rebuildMany(
    names: readonly string[],
    onProgress?: (position: number, head: number) => void,
  ): Promise<number>;
  prepare(): Promise<void>;
}

export const EXIT = { ok: 0, drift: 1, usage: 2, failed: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export function projectIdArg(value: string | undefined): string {
  if (!value) throw new CliError('--project <id> is required');
  if (!isUuid(value)) throw new CliError(`--project: ${JSON.stringify(value)} is not a UUID`);
  return value.toLowerCase();
}

export function positionArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`--to: ${JSON.stringify(value)} is not a global position`);
  return Number(value);
}

/** Prints the project's history (all its streams, global order) and the state after each event. */
export async function replay(
  services: CliServices,
  io: Output,
  projectId: string,
  to: number | undefined,
  json: boolean,
): Promise<number> {
  const streams = (await services.history.projectStreams(projectId)).map((s) => s.streamId);
  const { events } = await services.history.read(streams, to === undefined ? {} : { toPosition: to });
  if (events.length === 0) {
    throw new CliError(
      `project ${projectId} has no events${to === undefined ? '' : ` up to ${to}`}`,
      EXIT.failed,
    );
  }
  const timeline = new ProjectTimeline();
  for (const event of events) {
    timeline.apply(event);
    const drama = timeline.dramas.get(event.streamId);
    const state = projectStream.owns(event.streamId)
      ? { project: timeline.view() }
      : drama && drama.status !== 'empty'
        ? {
            project_status: timeline.status,
            drama: (({ status, stage, progress, error }) => ({
              id: drama.dramaId,
              status,
              stage,
              progress,
              error,
            }))(summarizeDrama(drama)),
          }
        : {};
    const m = event.metadata;
    if (json) {
      io.out(
        JSON.stringify({
          position: event.globalPosition,
          stream_id: event.streamId,
          version: event.streamVersion,
          type: event.type,
          recorded_at: event.recordedAt,
          metadata: m,
          data: event.data,
          state,
        }),
      );
      continue;
    }
    io.out(
      `#${event.globalPosition} ${event.streamId} v${event.streamVersion} ${event.type} at ${event.recordedAt}` +
        ` user=${m?.userId ?? '-'} correlation=${m?.correlationId ?? '-'} causation=${m?.causationId ?? '-'}` +
        ` schema=${m?.schemaVersion ?? '-'}`,
    );
    io.out(`    => ${JSON.stringify(state)}`);
  }
  io.out(`${events.length} events, last position ${timeline.position}`);
  return EXIT.ok;
}

/** Re-folds the project's streams and compares with the read models; exit 1 on any drift. */
export async function verify(
  services: CliServices,
  io: Output,
  projectId: string,
  json: boolean,
): Promise<number> {
  const report = await verifyProject(services.db, services.readModels, services.history, projectId);
  if (report.events === 0) throw new CliError(`project ${projectId} has no events`, EXIT.failed);
  if (json) {
    io.out(JSON.stringify(report));
  } else {
    for (const d of report.drift) {
      io.out(
        `DRIFT ${d.model} ${d.id} ${d.field}: expected ${JSON.stringify(d.expected)}, read model has ${JSON.stringify(d.actual)}`,
      );
    }
    const { projects, dramas, scenes } = report.checked;
    io.out(
      `${report.drift.length === 0 ? 'OK' : `${report.drift.length} drifted field(s)`}: ${report.events} events; ` +
        `checked ${projects} project, ${dramas} dramas/tasks, ${scenes} scenes ` +
        `(checkpoints ${Object.entries(report.checkpoints)
          .map(([n, p]) => `${n}=${p}`)
          .join(' ')})`,
    );
  }
  return report.drift.length === 0 ? EXIT.ok : EXIT.drift;
}

export async function projections(
  services: CliServices,
  io: Output,
  action: string | undefined,
  name: string | undefined,
  all: boolean,
  json: boolean,
): Promise<number> {
  const { runner } = services;
  switch (action) {
    case 'list':
    case 'status': {
      const rows = await runner.status();
      if (json) {
        io.out(JSON.stringify(rows));
        return EXIT.ok;
      }
      io.out('name       version  stored  checkpoint  head  lag  status');
      for (const r of rows) {
        io.out(
          [
            r.name.padEnd(10),
            String(r.version).padStart(7),
            String(r.storedVersion ?? '-').padStart(7),
            String(r.checkpoint).padStart(11),
            String(r.head).padStart(5),
            String(r.lag).padStart(4),
            ` ${r.status}`,
          ].join(' '),
        );
        if (action === 'status') io.out(`    tables: ${r.tables.join(', ') || '-'}`);
      }
      return EXIT.ok;
    }
    case 'rebuild': {
      if (all === (name !== undefined)) {
        throw new CliError('projections rebuild: give one projection name, or --all');
      }
      const names = all ? runner.names : [name!];
      const unknown = names.filter((n) => !runner.names.includes(n));
      if (unknown.length > 0) {
        throw new CliError(`unknown projection ${unknown.join(', ')}; known: ${runner.names.join(', ')}`);
      }
      const started = performance.now();
      let lastReport = 0;
      const replayed = await runner.rebuildMany(names, (position, head) => {
        if (performance.now() - lastReport < 1_000) return;
        lastReport = performance.now();
        io.err(`rebuilding ${names.join(', ')}: position ${position} of ${head}`);
      });
      const seconds = (performance.now() - started) / 1000;
      io.out(
        `rebuilt ${names.join(', ')}: ${replayed} events in ${seconds.toFixed(2)} s ` +
          `(${Math.round(replayed / Math.max(seconds, 1e-3))} events/s)`,
      );
      return EXIT.ok;
    }
    default:
      throw new CliError(
        `projections: unknown action ${JSON.stringify(action ?? '')}; use list, status or rebuild`,
      );
  }
}
