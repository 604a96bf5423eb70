import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../domain/shared/domain-error.js';
import { EVENT_HISTORY, type EventHistory, type HistoryFilter } from '../ports/event-history.port.js';
import type { EventMetadata } from '../ports/event-store.port.js';
import { type ProjectUsage, READ_MODELS, type ReadModels } from '../ports/read-models.port.js';
import { projectOwner } from '../audit/verify.query.js';
import { type ProjectView, toProjectView } from './project.view.js';

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

export class GetProjectQuery extends Query<ProjectView> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

export class ListProjectsQuery extends Query<Page<ProjectView>> {
  constructor(
    readonly ownerId: string,
    readonly page: number,
    readonly pageSize: number,
  ) {
    super();
  }
}

export interface HistoryEntry {
  /** The event's id: what a later event's `metadata.causationId` names. */
  id: string;
  position: number;
  stream_id: string;
  version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: string;
}

const projectNotFound = (id: string) => notFound('PROJECT.NOT_FOUND', `project ${id} not found`);

/** Another user's project is reported as missing: its existence is not revealed. */
export async function loadOwnedProject(
  readModels: ReadModels,
  projectId: string,
  viewerId: string,
): Promise<ProjectView> {
  const row = await readModels.projects.find(projectId);
  if (!row || row.owner_id !== viewerId) throw projectNotFound(projectId);
  return toProjectView(row);
}

@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}
  execute({ projectId, viewerId }: GetProjectQuery): Promise<ProjectView> {
    return loadOwnedProject(this.readModels, projectId, viewerId);
  }
}

@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}
  async execute({ ownerId, page, pageSize }: ListProjectsQuery): Promise<Page<ProjectView>> {
    const { items, total } = await this.readModels.projects.listByOwner(ownerId, page, pageSize);
    return { items: items.map(toProjectView), page, page_size: pageSize, total };
  }
}

export interface HistoryPage extends Page<HistoryEntry> {
  /** Position of the page's last event when more follow: pass it back as `after` for the next page. */
  next_after: number | null;
}

export class ProjectHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
    readonly page: number,
    readonly pageSize: number,
    readonly filter: HistoryFilter = {},
  ) {
    super();
  }
}

/**
 * Every event of the project's streams (the project's own, each drama's and video task's, and their
 * webhook streams) in global order. Ownership comes from the project's first event, so the history of
 * a deleted project stays readable by its owner.
 */
@QueryHandler(ProjectHistoryQuery)
export class ProjectHistoryHandler implements IQueryHandler<ProjectHistoryQuery> {
  constructor(@Inject(EVENT_HISTORY) private readonly history: EventHistory) {}

  async execute({ projectId, viewerId, page, pageSize, filter }: ProjectHistoryQuery): Promise<HistoryPage> {
    const streams = await this.history.projectStreams(projectId);
    if ((await projectOwner(this.history, projectId)) !== viewerId) throw projectNotFound(projectId);
    const offset = (page - 1) * pageSize;
    const { events, total } = await this.history.read(
      streams.map((s) => s.streamId),
      filter,
      { offset, limit: pageSize },
    );
    const last = events[events.length - 1];
    return {
      items: events.map((e) => ({
        id: e.id,
        position: e.globalPosition,
        stream_id: e.streamId,
        version: e.streamVersion,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recorded_at: e.recordedAt,
      })),
      page,
      page_size: pageSize,
      total,
      next_after: last && offset + events.length < total ? last.globalPosition : null,
    };
  }
}

export class ProjectUsageQuery extends Query<ProjectUsage & { project_id: string }> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

@QueryHandler(ProjectUsageQuery)
export class ProjectUsageHandler implements IQueryHandler<ProjectUsageQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}
  async execute({ projectId, viewerId }: ProjectUsageQuery): Promise<ProjectUsage & { project_id: string }> {
    await loadOwnedProject(this.readModels, projectId, viewerId);
    return { project_id: projectId, ...(await this.readModels.usage.ofProject(projectId)) };
  }
}

export const projectQueryHandlers = [
  GetProjectHandler,
  ListProjectsHandler,
  ProjectHistoryHandler,
  ProjectUsageHandler,
];
