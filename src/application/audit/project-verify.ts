import { type DramaState, evolveDrama } from '../../domain/drama/drama.state.js';
import { decodeDramaEvent, isDramaStream } from '../../domain/drama/drama.streams.js';
import type { Database } from '../ports/database.port.js';
import type { EventHistory } from '../ports/event-history.port.js';
import type { ReadModels } from '../ports/read-models.port.js';
import { ProjectTimeline } from './project-timeline.js';

export interface Drift {
  model: 'projects' | 'dramas' | 'scenes';
  id: string;
  field: string;
  /** What folding the events gives, and what the read model holds (undefined: no row). */
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  projectId: string;
  events: number;
  checkpoints: Record<string, number>;
  checked: { projects: number; dramas: number; scenes: number };
  drift: Drift[];
}

const plain = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : value === undefined ? null : value;

/** JSON with sorted keys: jsonb does not keep the order an object was written in. */
const canonical = (value: unknown): string => {
  const v = plain(value);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
};
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

function compareRows(
  model: Drift['model'],
  expected: Map<string, Record<string, unknown>>,
  actual: Map<string, Record<string, unknown>>,
  drift: Drift[],
): void {
  for (const [id, want] of expected) {
    const have = actual.get(id);
    if (!have) {
      drift.push({ model, id, field: '(row)', expected: 'present', actual: undefined });
      continue;
    }
    for (const field of Object.keys(want)) {
      if (!same(want[field], have[field]))
        drift.push({ model, id, field, expected: plain(want[field]), actual: plain(have[field]) });
    }
  }
  for (const id of actual.keys()) {
    if (!expected.has(id)) drift.push({ model, id, field: '(row)', expected: undefined, actual: 'present' });
  }
}

/**
 * Re-folds every stream of the project with the domain's evolve functions (and the scenes projection on
 * scratch tables) up to each read model's checkpoint, and compares field by field with the read models.
 */
export async function verifyProject(
  db: Database,
  readModels: ReadModels,
  history: EventHistory,
  projectId: string,
): Promise<VerifyReport> {
  // Checkpoints and rows from one snapshot: a row never runs ahead of the checkpoint it is compared at.
  const snapshot = await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const checkpoints = Object.fromEntries(
      (await tx.query<{ name: string; position: string }>('SELECT name, position FROM projection_state')).map(
        (r) => [r.name, Number(r.position)],
      ),
    );
    const at = readModels.within(tx);
    return {
      checkpoints,
      project: await at.projects.find(projectId),
      dramas: await at.dramas.listByProject(projectId),
      scenes: await at.scenes.storedRows(projectId),
    };
  });
  const streams = (await history.projectStreams(projectId)).filter((s) => s.kind !== 'webhook');
  const { events } = await history.read(
    streams.map((s) => s.streamId),
    {},
  );
  const upTo = (name: string) => {
    const position = snapshot.checkpoints[name] ?? 0;
    return events.filter((e) => e.globalPosition <= position);
  };
  const drift: Drift[] = [];

  const timeline = new ProjectTimeline();
  for (const event of upTo('projects')) timeline.apply(event);
  const view = timeline.view();
  compareRows(
    'projects',
    new Map(view ? [[view.id, { ...view }]] : []),
    new Map(snapshot.project ? [[snapshot.project.id, { ...snapshot.project }]] : []),
    drift,
  );

  const dramaStates = new Map<string, DramaState>();
  for (const event of upTo('dramas')) {
    if (!isDramaStream(event.streamId)) continue;
    const before = dramaStates.get(event.streamId) ?? { status: 'empty' };
    dramaStates.set(event.streamId, evolveDrama(before, decodeDramaEvent(event)));
  }
  const expectedDramas = new Map<string, Record<string, unknown>>();
  for (const [streamId, state] of dramaStates) {
    if (state.status !== 'empty')
      expectedDramas.set(state.dramaId, { ...readModels.dramas.rowFor(state, streamId) });
  }
  compareRows('dramas', expectedDramas, new Map(snapshot.dramas.map((row) => [row.id, { ...row }])), drift);

  const scenes = await readModels.scenes.replayedRows(upTo('scenes'), projectId);
  compareRows('scenes', scenes, snapshot.scenes, drift);

  return {
    projectId,
    events: events.length,
    checkpoints: snapshot.checkpoints,
    checked: { projects: view ? 1 : 0, dramas: expectedDramas.size, scenes: scenes.size },
    drift,
  };
}
