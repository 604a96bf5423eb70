import { assertNever, type Decider } from '../shared/decider.js';
import { conflict, invalid, notFound } from '../shared/domain-error.js';
import type {
  AddScene,
  CreateProject,
  DeleteProject,
  ProjectCommand,
  UpdateProject,
} from './project.commands.js';
import type { ProjectEvent, ProjectFields, ProjectState } from './project.events.js';
import { PROJECT_LIMITS as L } from './project.limits.js';

const projectNotFound = (projectId: string) =>
  notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);

function guardFields(fields: Partial<ProjectFields>): void {
  const { title, targetEpisodes, targetDurationSec } = fields;
  if (title !== undefined && (title.trim().length === 0 || title.length > L.titleMax)) {
    throw invalid('PROJECT.INVALID_TITLE', `title must be 1–${L.titleMax} characters`, { field: 'title' });
  }
  if (
    targetEpisodes !== undefined &&
    (!Number.isInteger(targetEpisodes) || targetEpisodes < L.episodesMin || targetEpisodes > L.episodesMax)
  ) {
    throw invalid(
      'PROJECT.INVALID_EPISODES',
      `target_episodes must be an integer ${L.episodesMin}–${L.episodesMax}`,
      {
        field: 'target_episodes',
      },
    );
  }
  if (
    targetDurationSec !== undefined &&
    (!Number.isInteger(targetDurationSec) ||
      targetDurationSec < L.durationMin ||
      targetDurationSec > L.durationMax)
  ) {
    throw invalid(
      'PROJECT.INVALID_DURATION',
      `target_duration_sec must be an integer ${L.durationMin}–${L.durationMax}`,
      { field: 'target_duration_sec' },
    );
  }
}

const create = ({ data }: CreateProject, state: ProjectState): ProjectEvent[] => {
  if (state.status !== 'empty')
    throw conflict('PROJECT.ALREADY_EXISTS', `project ${data.projectId} already exists`);
  guardFields(data);
  const { now, ...fields } = data;
  return [{ type: 'ProjectCreated', data: { ...fields, createdAt: now } }];
};

const update = ({ data }: UpdateProject, state: ProjectState): ProjectEvent[] => {
  if (state.status !== 'active' || state.ownerId !== data.actorId) throw projectNotFound(data.projectId);
  guardFields(data.changes);
  const changes = Object.fromEntries(
    Object.entries(data.changes).filter(
      ([key, value]) => value !== undefined && state[key as keyof ProjectFields] !== value,
    ),
  ) as Partial<ProjectFields>;
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ProjectUpdated', data: { projectId: data.projectId, changes, updatedAt: data.now } }];
};

const remove = ({ data }: DeleteProject, state: ProjectState): ProjectEvent[] => {
  if (state.status !== 'active' || state.ownerId !== data.actorId) throw projectNotFound(data.projectId);
  return [{ type: 'ProjectDeleted', data: { projectId: data.projectId, deletedAt: data.now } }];
};

const addScene = ({ data }: AddScene, state: ProjectState): ProjectEvent[] => {
  if (state.status !== 'active' || state.ownerId !== data.actorId) throw projectNotFound(data.projectId);
  const { episode, number } = data.scene;
  if (state.sceneSlots.includes(`${episode}:${number}`)) {
    throw conflict('SCENE.DUPLICATE', `episode ${episode} already has a scene ${number}`, {
      field: 'number',
    });
  }
  return [
    {
      type: 'SceneAdded',
      data: { ...data.scene, projectId: data.projectId, sceneId: data.sceneId, addedAt: data.now },
    },
  ];
};

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateProject':
        return create(command, state);
      case 'UpdateProject':
        return update(command, state);
      case 'DeleteProject':
        return remove(command, state);
      case 'AddScene':
        return addScene(command, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ProjectCreated': {
        const { createdAt, ...rest } = event.data;
        return { status: 'active', ...rest, createdAt, updatedAt: createdAt, sceneSlots: [] };
      }
      case 'ProjectUpdated':
        return state.status === 'active'
          ? { ...state, ...event.data.changes, updatedAt: event.data.updatedAt }
          : state;
      case 'ProjectDeleted':
        return state.status === 'active'
          ? { status: 'deleted', projectId: state.projectId, ownerId: state.ownerId }
          : state;
      case 'SceneAdded':
        return state.status === 'active'
          ? {
              ...state,
              sceneSlots: [...state.sceneSlots, `${event.data.episode}:${event.data.number}`],
              updatedAt: event.data.addedAt,
            }
          : state;
      default:
        return assertNever(event);
    }
  },
};
