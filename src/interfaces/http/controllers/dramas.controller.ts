import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ControlDramaCommand, type DramaControl } from '../../../application/dramas/drama-commands.js';
import { GetDramaQuery, GetTaskQuery } from '../../../application/dramas/drama-queries.js';
import type { DramaView, TaskView } from '../../../application/dramas/drama.views.js';
import { invalid } from '../../../domain/shared/domain-error.js';
import { GetDramaAsOfQuery } from '../../../application/audit/time-travel.queries.js';
import { type AuthUser, CurrentUser } from '../auth.js';
import { type AsOfQuery, asOfQuery } from '../schemas/audit.schemas.js';
import { uuidParam } from '../schemas/common.schemas.js';
import { RateLimit } from '../rate-limit.guard.js';
import { ZodPipe } from '../zod.pipe.js';

const IdPipe = new ZodPipe(uuidParam);
const ACTIONS: readonly DramaControl[] = ['pause', 'resume', 'cancel'];

@Controller('dramas')
export class DramasController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':id')
  get(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Query(new ZodPipe(asOfQuery)) query: AsOfQuery,
  ): Promise<DramaView> {
    if (query.as_of) return this.queries.execute(new GetDramaAsOfQuery(id, user.id, query.as_of));
    return this.queries.execute(new GetDramaQuery(id, user.id));
  }

  @Post(':id/:action')
  @HttpCode(200)
  control(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: string, @Param('action') action: string) {
    if (!ACTIONS.includes(action as DramaControl)) {
      throw invalid('REQUEST.UNKNOWN_ACTION', `action: must be one of ${ACTIONS.join(', ')}`, {
        field: 'action',
      });
    }
    return this.commands.execute(new ControlDramaCommand(user.id, id, action as DramaControl));
  }

  @RateLimit('generation')
  @Post(':id/scenes/:sceneId/regenerate')
  @HttpCode(202)
  regenerate(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Param('sceneId', IdPipe) sceneId: string,
  ) {
    return this.commands.execute(new ControlDramaCommand(user.id, id, { regenerateScene: sceneId }));
  }
}

@Controller('tasks')
export class TasksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: string): Promise<TaskView> {
    return this.queries.execute(new GetTaskQuery(id, user.id));
  }

  /** Stops a generate-video task: no more paid calls, its result (if one still arrives) is ignored. */
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
  ): Promise<{ task_id: string; status: string }> {
    const result = await this.commands.execute(
      new ControlDramaCommand(user.id, id, 'cancel', 'single_video'),
    );
    return { task_id: result.id, status: result.status };
  }
}
