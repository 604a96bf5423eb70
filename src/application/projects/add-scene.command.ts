import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { findScene } from '../../projections/scenes/scenes.queries.js';
import type { ManualScene } from '../../domain/project/project.events.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { BLOB_STORE, type BlobStore } from '../ports/blob-store.port.js';
import { DATABASE, type Database } from '../ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../ports/read-models.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../ports/system.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { MediaLinks, manualSceneView, type SceneView, toSceneView } from '../dramas/drama.views.js';

export class AddSceneCommand extends Command<SceneView> {
  constructor(
    readonly ownerId: string,
    readonly projectId: string,
    readonly scene: ManualScene,
  ) {
    super();
  }
}

@CommandHandler(AddSceneCommand)
export class AddSceneHandler implements ICommandHandler<AddSceneCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async execute({ ownerId, projectId, scene }: AddSceneCommand): Promise<SceneView> {
    const sceneId = this.ids.uuid();
    const result = await handleCommand(
      { store: this.store, clock: this.clock, ids: this.ids },
      projectStream.streamId(projectId),
      projectStream,
      {
        type: 'AddScene',
        data: { projectId, actorId: ownerId, sceneId, scene, now: this.clock.now().toISOString() },
      },
    );
    if (result.lastPosition !== null) await this.progress.waitFor('scenes', result.lastPosition, 5_000);
    const row = await findScene(this.db, sceneId);
    if (row) return toSceneView(row, new MediaLinks(this.blobs));
    // The read model is late: answer with the scene as it was just added (it has no media yet).
    const added = result.events.find((e) => e.type === 'SceneAdded');
    if (!added) throw new Error(`scene ${sceneId} was not added`);
    return manualSceneView(added.data);
  }
}
