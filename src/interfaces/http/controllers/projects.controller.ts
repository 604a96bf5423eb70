import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  CreateProjectCommand,
  DeleteProjectCommand,
  UpdateProjectCommand,
} from '../../../application/projects/project-commands.js';
import {
  GetProjectQuery,
  type HistoryPage,
  ListProjectsQuery,
  type Page,
  ProjectHistoryQuery,
  ProjectUsageQuery,
} from '../../../application/projects/project-queries.js';
import type { ProjectView } from '../../../application/projects/project.view.js';
import type { ProjectFields } from '../../../domain/project/project.events.js';
import { GetProjectAsOfQuery } from '../../../application/audit/time-travel.queries.js';
import { type VerifyView, VerifyProjectQuery } from '../../../application/audit/verify.query.js';
import { type AuthUser, CurrentUser } from '../auth.js';
import {
  type AsOfQuery,
  asOfQuery,
  type HistoryQuery,
  historyQuery,
  toHistoryFilter,
} from '../schemas/audit.schemas.js';
import { parseIfMatch, setEtag } from '../preconditions.js';
import { type PageQuery, pageQuery, uuidParam } from '../schemas/common.schemas.js';
import {
  type CreateProjectBody,
  createProjectBody,
  toProjectFields,
  type UpdateProjectBody,
  updateProjectBody,
} from '../schemas/project.schemas.js';
import { ZodPipe } from '../zod.pipe.js';

const IdPipe = new ZodPipe(uuidParam);

@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @CurrentUser() user: AuthUser,
    @Body(new ZodPipe(createProjectBody)) body: CreateProjectBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectView> {
    const project = await this.commands.execute(
      new CreateProjectCommand(user.id, toProjectFields(body) as ProjectFields),
    );
    setEtag(res, project.version);
    res.setHeader('Location', `/api/v1/projects/${project.id}`);
    return project;
  }

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Query(new ZodPipe(pageQuery)) query: PageQuery,
  ): Promise<Page<ProjectView>> {
    return this.queries.execute(new ListProjectsQuery(user.id, query.page, query.page_size));
  }

  @Get(':id')
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Query(new ZodPipe(asOfQuery)) query: AsOfQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectView> {
    // A past state is rebuilt from the event store; it carries no ETag (it is not a version to write on).
    if (query.as_of) return this.queries.execute(new GetProjectAsOfQuery(id, user.id, query.as_of));
    const project = await this.queries.execute(new GetProjectQuery(id, user.id));
    setEtag(res, project.version);
    return project;
  }

  @Put(':id')
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Body(new ZodPipe(updateProjectBody)) body: UpdateProjectBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectView> {
    const changes = Object.fromEntries(
      Object.entries(toProjectFields(body)).filter(([, v]) => v !== undefined),
    ) as Partial<ProjectFields>;
    const project = await this.commands.execute(
      new UpdateProjectCommand(id, user.id, changes, parseIfMatch(ifMatch)),
    );
    setEtag(res, project.version);
    return project;
  }

  @Delete(':id')
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<{ id: string; deleted: true; version: number }> {
    const result = await this.commands.execute(new DeleteProjectCommand(id, user.id, parseIfMatch(ifMatch)));
    return { ...result, deleted: true };
  }

  /** What generation consumed for this project: LLM tokens, images, video seconds, TTS characters. */
  @Get(':id/usage')
  usage(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: string) {
    return this.queries.execute(new ProjectUsageQuery(id, user.id));
  }

  @Get(':id/history')
  history(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Query(new ZodPipe(historyQuery)) query: HistoryQuery,
  ): Promise<HistoryPage> {
    return this.queries.execute(
      new ProjectHistoryQuery(id, user.id, query.page, query.page_size, toHistoryFilter(query)),
    );
  }

  /** The CLI's `verify`: read models against a replay of the project's events, drift field by field. */
  @Get(':id/verify')
  verify(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: string): Promise<VerifyView> {
    return this.queries.execute(new VerifyProjectQuery(id, user.id));
  }
}
