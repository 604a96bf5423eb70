export type ProjectStatus = 'draft' | 'generating' | 'scripted' | 'completed' | 'failed' | 'cancelled';

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

export interface SceneCharacter {
  name: string;
  role: string;
  description: string;
}
export interface SceneLine {
  character: string;
  line: string;
}
export interface ManualScene {
  episode: number;
  number: number;
  title: string;
  location: string;
  description: string;
  characters: SceneCharacter[];
  dialogue: SceneLine[];
  durationSec: number;
}
export type SceneAdded = {
  type: 'SceneAdded';
  data: ManualScene & { projectId: string; sceneId: string; addedAt: string };
};

export type ProjectEvent = ProjectCreated | ProjectUpdated | ProjectDeleted | SceneAdded;

export type ProjectState =
  | { status: 'empty' }
  | ({
      status: 'active';
      projectId: string;
      ownerId: string;
      createdAt: string;
      updatedAt: string;
      /** "episode:number" of every scene added by hand. */
      sceneSlots: string[];
    } & ProjectFields)
  | { status: 'deleted'; projectId: string; ownerId: string };
