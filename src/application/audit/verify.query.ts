import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectCreated } from '../../domain/project/project.events.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { notFound } from '../../domain/shared/domain-error.js';
import { DATABASE, type Database } from '../ports/database.port.js';
import { EVENT_HISTORY, type EventHistory } from '../ports/event-history.port.js';
import { USER_REPOSITORY, type UserRepository } from '../ports/identity.port.js';
import { READ_MODELS, type ReadModels } from '../ports/read-models.port.js';
import { type Drift, verifyProject } from './project-verify.js';

export interface VerifyView {
  project_id: string;
  /** True when every read model row matches the replay (the CLI's exit code 0). */
  ok: boolean;
  events: number;
  checkpoints: Record<string, number>;
  checked: { projects: number; dramas: number; scenes: number };
  drift: Drift[];
}

/** The owner named by the project's first event: a deleted project keeps its owner. */
export async function projectOwner(history: EventHistory, projectId: string): Promise<string | null> {
  const created = await history.read([projectStream.streamId(projectId)], { types: ['ProjectCreated'] });
  return (created.events[0]?.data as ProjectCreated['data'] | undefined)?.ownerId ?? null;
}

export class VerifyProjectQuery extends Query<VerifyView> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
  ) {
    super();
  }
}

/** `npm run cli -- verify` over HTTP: the project's owner or an admin; others get 404, as for history. */
@QueryHandler(VerifyProjectQuery)
export class VerifyProjectHandler implements IQueryHandler<VerifyProjectQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(EVENT_HISTORY) private readonly history: EventHistory,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  async execute({ projectId, viewerId }: VerifyProjectQuery): Promise<VerifyView> {
    const owner = await projectOwner(this.history, projectId);
    const allowed =
      owner !== null && (owner === viewerId || (await this.users.findById(viewerId))?.role === 'admin');
    if (!allowed) throw notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);
    const report = await verifyProject(this.db, this.readModels, this.history, projectId);
    return {
      project_id: report.projectId,
      ok: report.drift.length === 0,
      events: report.events,
      checkpoints: report.checkpoints,
      checked: report.checked,
      drift: report.drift,
    };
  }
}
