import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  type Accepted,
  GenerateDramaCommand,
  GenerateScenesCommand,
  GenerateVideoCommand,
  type TaskAccepted,
} from '../../../application/dramas/drama-commands.js';
import {
  ListProjectDramasQuery,
  ListScenesQuery,
  type ProjectDramaItem,
} from '../../../application/dramas/drama-queries.js';
import type { SceneView } from '../../../application/dramas/drama.views.js';
import { AddSceneCommand } from '../../../application/projects/add-scene.command.js';
import { OUTBOUND_POLICIES, type OutboundPolicies } from '../../../application/ports/outbound-policy.port.js';
import { type AuthUser, CurrentUser } from '../auth.js';
import { checkCallbackTarget, checkFetchTarget } from '../schemas/callback-url.js';
import { uuidParam } from '../schemas/common.schemas.js';
import {
  type CreateSceneBody,
  createSceneBody,
  type GenerateDramaBody,
  generateDramaBody,
  type GenerateScenesBody,
  generateScenesBody,
  type GenerateVideoBody,
  generateVideoBody,
} from '../schemas/drama.schemas.js';
import type { NetworkPolicy } from '../../../application/shared/network-policy.js';
import { RateLimit } from '../rate-limit.guard.js';
import { ZodPipe } from '../zod.pipe.js';

const IdPipe = new ZodPipe(uuidParam);

/** Generation under /projects: the whole drama, scenes (by hand or written), and single clips. */
@Controller('projects')
export class GenerationController {
  private readonly callbacks: NetworkPolicy;
  private readonly fetches: NetworkPolicy;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(OUTBOUND_POLICIES) policies: OutboundPolicies,
  ) {
    this.callbacks = policies.callbacks;
    this.fetches = policies.fetches;
  }

  @RateLimit('generation')
  @Post('generate-drama')
  @HttpCode(202)
  generateDrama(
    @CurrentUser() user: AuthUser,
    @Body(new ZodPipe(generateDramaBody)) body: GenerateDramaBody,
  ): Promise<Accepted> {
    checkCallbackTarget(body.callback_url, this.callbacks);
    return this.commands.execute(new GenerateDramaCommand(user.id, body));
  }

  /** The project's dramas and video tasks, newest first. */
  @Get(':id/dramas')
  dramas(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
  ): Promise<{ items: ProjectDramaItem[] }> {
    return this.queries.execute(new ListProjectDramasQuery(id, user.id));
  }

  @Get(':id/scenes')
  scenes(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: string): Promise<SceneView[]> {
    return this.queries.execute(new ListScenesQuery(id, user.id));
  }

  @Post(':id/scenes')
  @HttpCode(201)
  addScene(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Body(new ZodPipe(createSceneBody)) body: CreateSceneBody,
  ): Promise<SceneView> {
    const { duration_sec: durationSec, ...scene } = body;
    return this.commands.execute(new AddSceneCommand(user.id, id, { ...scene, durationSec }));
  }

  @RateLimit('generation')
  @Post(':id/generate-scenes')
  @HttpCode(202)
  generateScenes(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Body(new ZodPipe(generateScenesBody)) body: GenerateScenesBody,
  ): Promise<Accepted> {
    return this.commands.execute(new GenerateScenesCommand(user.id, id, body.prompt, body.use_local_llm));
  }

  @RateLimit('generation')
  @Post(':id/generate-video')
  @HttpCode(202)
  generateVideo(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: string,
    @Body(new ZodPipe(generateVideoBody)) body: GenerateVideoBody,
  ): Promise<TaskAccepted> {
    checkCallbackTarget(body.callback_url, this.callbacks);
    checkFetchTarget(body.image_url?.kind === 'url' ? body.image_url.url : null, this.fetches, 'image_url');
    return this.commands.execute(new GenerateVideoCommand(user.id, id, body));
  }
}
