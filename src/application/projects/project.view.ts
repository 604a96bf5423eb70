import type { ProjectRow } from '../ports/read-models.port.js';
import type { ProjectState } from '../../domain/project/project.events.js';

/** The project as clients see it (snake_case, as in the seed's API document). */
export type ProjectView = Omit<ProjectRow, 'owner_id'>;

export const toProjectView = ({ owner_id: _owner, ...row }: ProjectRow): ProjectView => row;

/** A project's state as clients see it, given its status (which follows its dramas) and stream version. */
export function projectViewOf(
  state: ProjectState,
  status: string,
  version: number,
): (ProjectView & { owner_id: string }) | null {
  if (state.status !== 'active') return null;
  return {
    id: state.projectId,
    owner_id: state.ownerId,
    title: state.title,
    description: state.description,
    genre: state.genre,
    target_episodes: state.targetEpisodes,
    target_duration_sec: state.targetDurationSec,
    status,
    version,
    created_at: new Date(state.createdAt).toISOString(),
    updated_at: new Date(state.updatedAt).toISOString(),
  };
}

/**
 * The project as this write decided it, for when the read model has not caught up within the wait (or
 * cannot apply the event): a write never answers 404 for what it just wrote. The status is the read
 * model's (it follows the project's dramas) when it has an older row, else a new project's.
 */
export function decidedProjectView(
  state: ProjectState,
  version: number,
  row: ProjectRow | null,
): ProjectView | null {
  const view = projectViewOf(state, row?.status ?? 'draft', version);
  if (!view) return null;
  const { owner_id: _owner, ...rest } = view;
  return rest;
}
