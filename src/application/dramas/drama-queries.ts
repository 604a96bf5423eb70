import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../domain/shared/domain-error.js';
import { BLOB_STORE, type BlobStore } from '../ports/blob-store.port.js';
import { READ_MODELS, type ReadModels } from '../ports/read-models.port.js';
import { CLOCK, type Clock } from '../ports/system.port.js';
import { loadOwnedProject } from '../projects/project-queries.js';
import {
  type DramaView,
  MediaLinks,
  type SceneView,
  type TaskView,
  toDramaView,
  toSceneView,
  toTaskView,
} from './drama.views.js';

export class GetDramaQuery extends Query<DramaView> {
  constructor(
    readonly dramaId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

export class GetTaskQuery extends Query<TaskView> {
  constructor(
    readonly taskId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

export class ListScenesQuery extends Query<SceneView[]> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

/** One drama or video task of a project, as listed on the project's page. */
export interface ProjectDramaItem {
  id: string;
  kind: string;
  status: string;
  stage: string | null;
  progress: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export class ListProjectDramasQuery extends Query<{ items: ProjectDramaItem[] }> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

abstract class MediaQueryBase {
  protected readonly links: MediaLinks;
  constructor(
    @Inject(READ_MODELS) protected readonly readModels: ReadModels,
    @Inject(BLOB_STORE) blobs: BlobStore,
    @Inject(CLOCK) protected readonly clock: Clock,
  ) {
    this.links = new MediaLinks(blobs);
  }
}

@QueryHandler(GetDramaQuery)
export class GetDramaHandler extends MediaQueryBase implements IQueryHandler<GetDramaQuery> {
  async execute({ dramaId, viewerId }: GetDramaQuery): Promise<DramaView> {
    const row = await this.readModels.dramas.find(dramaId);
    if (!row || row.owner_id !== viewerId || row.kind === 'single_video') {
      throw notFound('DRAMA.NOT_FOUND', `drama ${dramaId} not found`);
    }
    return toDramaView(row, this.links, this.clock.now());
  }
}

@QueryHandler(GetTaskQuery)
export class GetTaskHandler extends MediaQueryBase implements IQueryHandler<GetTaskQuery> {
  async execute({ taskId, viewerId }: GetTaskQuery): Promise<TaskView> {
    const row = await this.readModels.dramas.find(taskId);
    if (!row || row.owner_id !== viewerId || row.kind !== 'single_video') {
      throw notFound('TASK.NOT_FOUND', `task ${taskId} not found`);
    }
    return toTaskView(row, this.links);
  }
}

@QueryHandler(ListScenesQuery)
export class ListScenesHandler extends MediaQueryBase implements IQueryHandler<ListScenesQuery> {
  async execute({ projectId, viewerId }: ListScenesQuery): Promise<SceneView[]> {
    await loadOwnedProject(this.readModels, projectId, viewerId);
    const rows = await this.readModels.scenes.listByProject(projectId);
    return Promise.all(rows.map((row) => toSceneView(row, this.links)));
  }
}

/** Newest first; `kind` tells a drama (GET /dramas/:id) from a video task (GET /tasks/:id). */
@QueryHandler(ListProjectDramasQuery)
export class ListProjectDramasHandler implements IQueryHandler<ListProjectDramasQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}
  async execute({ projectId, viewerId }: ListProjectDramasQuery): Promise<{ items: ProjectDramaItem[] }> {
    await loadOwnedProject(this.readModels, projectId, viewerId);
    const rows = await this.readModels.dramas.listByProject(projectId);
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        stage: r.stage,
        progress: r.progress,
        error: r.error,
        created_at: r.created_at,
        updated_at: r.updated_at,
      })),
    };
  }
}

export const dramaQueryHandlers = [
  GetDramaHandler,
  GetTaskHandler,
  ListScenesHandler,
  ListProjectDramasHandler,
];
