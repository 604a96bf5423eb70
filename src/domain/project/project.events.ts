export type ProjectStatus = 'draft' | 'generating' | 'completed' | 'failed';

export interface ProjectFields {
  title: string;
  description: string;
  genre: string;
  targetEpisodes: number;
  targetDurationSec: number;
}

export type ProjectCreated = {
  type: 'ProjectCreated';
  data: ProjectFields & { projectId: string; ownerId: string; createdAt: string };
};
export type ProjectUpdated = {
  type: 'ProjectUpdated';
  data: { projectId: string; changes: Partial<ProjectFields>; updatedAt: string };
};
export type ProjectDeleted = { type: 'ProjectDeleted'; data: { projectId: string; deletedAt: string } };

export type ProjectEvent = ProjectCreated | ProjectUpdated | ProjectDeleted;

export type ProjectState =
  | { status: 'empty' }
  | ({
      status: 'active';
      projectId: string;
      ownerId: string;
      createdAt: string;
      updatedAt: string;
    } & ProjectFields)
  | { status: 'deleted'; projectId: string; ownerId: string };

export const projectStreamId = (projectId: string) => `project-${projectId}`;
