import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { dramaStream } from '../../domain/drama/drama.streams.js';
import { notFound } from '../../domain/shared/domain-error.js';
import { type DramaView, MediaLinks, toDramaView } from '../dramas/drama.views.js';
import { BLOB_STORE, type BlobStore } from '../ports/blob-store.port.js';
import { EVENT_HISTORY, type EventHistory } from '../ports/event-history.port.js';
import { READ_MODELS, type ReadModels } from '../ports/read-models.port.js';
import type { ProjectView } from '../projects/project.view.js';
import { type AsOf, asOfLabel, eventsAsOf } from './as-of.js';
import { ProjectTimeline, projectTimelineTypes } from './project-timeline.js';

type AsOfLabel = { as_of: string | number };

export class GetProjectAsOfQuery extends Query<ProjectView & AsOfLabel> {
  constructor(
    readonly projectId: string,
    readonly viewerId: string,
    readonly asOf: AsOf,
  ) {
    super();
  }
}

export class GetDramaAsOfQuery extends Query<DramaView & AsOfLabel> {
  constructor(
    readonly dramaId: string,
    readonly viewerId: string,
    readonly asOf: AsOf,
  ) {
    super();
  }
}

/** The project rebuilt from its events up to `asOf` (not from the read model). */
@QueryHandler(GetProjectAsOfQuery)
export class GetProjectAsOfHandler implements IQueryHandler<GetProjectAsOfQuery> {
  constructor(@Inject(EVENT_HISTORY) private readonly history: EventHistory) {}

  async execute({ projectId, viewerId, asOf }: GetProjectAsOfQuery): Promise<ProjectView & AsOfLabel> {
    const streams = await this.history.projectStreams(projectId);
    const { events } = await this.history.read(
      streams.filter((s) => s.kind !== 'webhook').map((s) => s.streamId),
      { ...('position' in asOf ? { toPosition: asOf.position } : {}), types: projectTimelineTypes() },
    );
    const timeline = new ProjectTimeline();
    for (const event of eventsAsOf(events, asOf)) timeline.apply(event);
    const view = timeline.view();
    if (!view || view.owner_id !== viewerId) {
      throw notFound('PROJECT.NOT_FOUND', `project ${projectId} did not exist at as_of ${asOfLabel(asOf)}`);
    }
    const { owner_id: _owner, ...rest } = view;
    return { ...rest, as_of: asOfLabel(asOf) };
  }
}

/** The drama rebuilt from its stream up to `asOf`, in the same shape as GET /dramas/:id. */
@QueryHandler(GetDramaAsOfQuery)
export class GetDramaAsOfHandler implements IQueryHandler<GetDramaAsOfQuery> {
  private readonly links: MediaLinks;

  constructor(
    @Inject(EVENT_HISTORY) private readonly history: EventHistory,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(BLOB_STORE) blobs: BlobStore,
  ) {
    this.links = new MediaLinks(blobs);
  }

  async execute({ dramaId, viewerId, asOf }: GetDramaAsOfQuery): Promise<DramaView & AsOfLabel> {
    const streamId = dramaStream.streamId(dramaId);
    const { events: all } = await this.history.read(
      [streamId],
      'position' in asOf ? { toPosition: asOf.position } : {},
    );
    const events = eventsAsOf(all, asOf);
    const state = dramaStream.fold(events);
    if (state.status === 'empty' || state.ownerId !== viewerId || state.kind === 'single_video') {
      throw notFound('DRAMA.NOT_FOUND', `drama ${dramaId} did not exist at as_of ${asOfLabel(asOf)}`);
    }
    // The ETA is the one a client would have seen then.
    const then = 'time' in asOf ? new Date(asOf.time) : new Date(events[events.length - 1]!.recordedAt);
    const view = await toDramaView(this.readModels.dramas.rowFor(state, streamId), this.links, then);
    return { ...view, as_of: asOfLabel(asOf) };
  }
}

export const timeTravelQueryHandlers = [GetProjectAsOfHandler, GetDramaAsOfHandler];
