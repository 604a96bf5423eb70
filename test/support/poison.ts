import { projectsProjection } from '../../src/projections/projects/projects.projection.js';
import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import { ALL_PROJECTIONS } from '../../src/modules/read-models.module.js';

export const POISON_TITLE = 'poison pill';
export const POISON_ERROR = 'projects cannot store this title';

/**
 * The projects read model with a bug that only one kind of event reaches: it throws on a project
 * titled "poison pill" until the fix is "deployed" (`fix()`). Every other event applies as usual.
 */
export function poisonedProjects(): { projections: Projection[]; fix(): void } {
  let broken = true;
  const guard = (events: readonly StoredEvent[]) => {
    if (broken && events.some((e) => (e.data as { title?: unknown }).title === POISON_TITLE)) {
      throw new Error(POISON_ERROR);
    }
  };
  const guarded: Projection = {
    ...projectsProjection,
    async applyBatch(tx, events, tables, context) {
      guard(events);
      return projectsProjection.applyBatch(tx, events, tables, context);
    },
  };
  return {
    projections: ALL_PROJECTIONS.map((p) => (p.name === 'projects' ? guarded : p)),
    fix: () => {
      broken = false;
    },
  };
}
