import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ManualScene } from '../../domain/project/project.events.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { BLOB_STORE, type BlobStore } from '../ports/blob-store.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { CommandHandlerBase } from '../shared/command-handler-base.js';
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
export class AddSceneHandler extends CommandHandlerBase implements ICommandHandler<AddSceneCommand> {
  constructor(@Inject(BLOB_STORE) private readonly blobs: BlobStore) {
    super();
  }

  async execute({ ownerId, projectId, scene }: AddSceneCommand): Promise<SceneView> {
    const sceneId = this.ids.uuid();
    const result = await handleCommand(this.deps, projectStream.streamId(projectId), projectStream, {
      type: 'AddScene',
      data: { projectId, actorId: ownerId, sceneId, scene, now: this.clock.now().toISOString() },
    });
    if (result.lastPosition !== null) await this.progress.waitFor('scenes', result.lastPosition, 5_000);
    const row = await this.readModels.scenes.find(sceneId);
    if (row) return toSceneView(row, new MediaLinks(this.blobs));
    // The read model is late: answer with the scene as it was just added (it has no media yet).
    const added = result.events.find((e) => e.type === 'SceneAdded');
    if (!added) throw new Error(`scene ${sceneId} was not added`);
    return manualSceneView(added.data);
  }
}
