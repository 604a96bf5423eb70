import type { ProjectRow } from '../../../projections/projects/projects.queries.js';

/** The project as clients see it (snake_case, as in the seed's API document). */
export interface ProjectView {
  id: string;
  title: string;
  description: string;
  genre: string;
  target_episodes: number;
  target_duration_sec: number;
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export const toProjectView = ({ owner_id: _owner, ...row }: ProjectRow): ProjectView => row;
