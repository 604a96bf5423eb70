import type { ManualScene, ProjectFields } from './project.events.js';

export type CreateProject = {
  type: 'CreateProject';
  data: ProjectFields & { projectId: string; ownerId: string; now: string };
};
export type UpdateProject = {
  type: 'UpdateProject';
  data: { projectId: string; actorId: string; changes: Partial<ProjectFields>; now: string };
};
export type DeleteProject = {
  type: 'DeleteProject';
  data: { projectId: string; actorId: string; now: string };
};

export type AddScene = {
  type: 'AddScene';
  data: { projectId: string; actorId: string; sceneId: string; scene: ManualScene; now: string };
};

export type ProjectCommand = CreateProject | UpdateProject | DeleteProject | AddScene;
