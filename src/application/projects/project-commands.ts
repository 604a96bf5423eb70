import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ProjectFields, type ProjectState } from '../../domain/project/project.events.js';
import { DomainError, notFound } from '../../domain/shared/domain-error.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { handleCommand } from '../shared/command-handler.js';
import { CommandHandlerBase } from '../shared/command-handler-base.js';
import { dramaKindOf } from '../../domain/drama/drama.streams.js';
import { EVENT_HISTORY, type EventHistory } from '../ports/event-history.port.js';
import { decidedProjectView, type ProjectView, toProjectView } from './project.view.js';

/** How long a write waits for the read model so the client can read it back at once. */
const READ_YOUR_WRITES_MS = 5_000;

export class CreateProjectCommand extends Command<ProjectView> {
  constructor(
    readonly ownerId: string,
    readonly fields: ProjectFields,
  ) {
    super();
  }
}

export class UpdateProjectCommand extends Command<ProjectView> {
  constructor(
    readonly projectId: string,
    readonly actorId: string,
    readonly changes: Partial<ProjectFields>,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

export class DeleteProjectCommand extends Command<{ id: string; version: number }> {
  constructor(
    readonly projectId: string,
    readonly actorId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

abstract class ProjectCommandBase extends CommandHandlerBase {
  /**
   * Read-your-writes: the read model's row once it has this write (bounded wait), else the state the
   * write decided. Never a 404 for what was just written.
   */
  protected async readBack(
    projectId: string,
    result: { state: ProjectState; version: number; lastPosition: number | null },
  ): Promise<ProjectView> {
    if (result.lastPosition !== null) {
      await this.progress.waitFor('projects', result.lastPosition, READ_YOUR_WRITES_MS);
    }
    const row = await this.readModels.projects.find(projectId);
    if (row && row.version >= result.version) return toProjectView(row);
    const decided = decidedProjectView(result.state, result.version, row);
    if (!decided) throw notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);
    return decided;
  }
}

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler
  extends ProjectCommandBase
  implements ICommandHandler<CreateProjectCommand>
{
  async execute({ ownerId, fields }: CreateProjectCommand): Promise<ProjectView> {
    const projectId = this.ids.uuid();
    const result = await handleCommand(this.deps, projectStream.streamId(projectId), projectStream, {
      type: 'CreateProject',
      data: { ...fields, projectId, ownerId, now: this.clock.now().toISOString() },
    });
    return this.readBack(projectId, result);
  }
}

@CommandHandler(UpdateProjectCommand)
export class UpdateProjectHandler
  extends ProjectCommandBase
  implements ICommandHandler<UpdateProjectCommand>
{
  async execute(command: UpdateProjectCommand): Promise<ProjectView> {
    const result = await handleCommand(
      this.deps,
      projectStream.streamId(command.projectId),
      projectStream,
      {
        type: 'UpdateProject',
        data: {
          projectId: command.projectId,
          actorId: command.actorId,
          changes: command.changes,
          now: this.clock.now().toISOString(),
        },
      },
      { expectedVersion: command.expectedVersion },
    );
    return this.readBack(command.projectId, result);
  }
}

@CommandHandler(DeleteProjectCommand)
export class DeleteProjectHandler
  extends ProjectCommandBase
  implements ICommandHandler<DeleteProjectCommand>
{
  @Inject(EVENT_HISTORY) private readonly history!: EventHistory;

  async execute(command: DeleteProjectCommand): Promise<{ id: string; version: number }> {
    const result = await handleCommand(
      this.deps,
      projectStream.streamId(command.projectId),
      projectStream,
      {
        type: 'DeleteProject',
        data: { projectId: command.projectId, actorId: command.actorId, now: this.clock.now().toISOString() },
      },
      { expectedVersion: command.expectedVersion },
    );
    if (result.lastPosition !== null) {
      await this.stopDramas(command.projectId, command.actorId);
      await this.progress.waitFor('projects', result.lastPosition, READ_YOUR_WRITES_MS);
      await this.progress.waitFor('dramas', await this.store.headPosition(), READ_YOUR_WRITES_MS);
    }
    return { id: command.projectId, version: result.version };
  }

  /**
   * A deleted project's dramas and tasks stop: the unfinished ones are cancelled, so no more work (or
   * money) is spent on them. Found in the log itself (no read model lag); their events stay for the audit.
   */
  private async stopDramas(projectId: string, actorId: string): Promise<void> {
    const streams = await this.history.projectStreams(projectId);
    for (const { streamId } of streams) {
      const dramaKind = dramaKindOf(streamId);
      if (!dramaKind) continue;
      // The decider does nothing for a cancelled one and refuses a finished one (a conflict, below).
      try {
        await handleCommand(this.deps, streamId, dramaKind, {
          type: 'CancelDrama',
          data: { actorId, reason: 'the project was deleted', now: this.clock.now().toISOString() },
        });
      } catch (error) {
        // It finished: nothing left to stop.
        if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
      }
    }
  }
}

export const projectCommandHandlers = [CreateProjectHandler, UpdateProjectHandler, DeleteProjectHandler];
