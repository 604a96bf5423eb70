import { type DramaState, evolveDrama } from '../../domain/drama/drama.state.js';
import { decodeDramaEvent, isDramaStream } from '../../domain/drama/drama.streams.js';
import type { DramaKind } from '../../domain/drama/drama.types.js';
import { projectDecider } from '../../domain/project/project.decider.js';
import type { ProjectState } from '../../domain/project/project.events.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { DRAMA_STATUS } from '../../domain/project/project.status.js';
import type { StoredEvent } from '../ports/event-store.port.js';
import { type ProjectView, projectViewOf } from '../projects/project.view.js';

const PROJECT_EVENT_TYPES = new Set(['ProjectCreated', 'ProjectUpdated', 'ProjectDeleted', 'SceneAdded']);

/**
 * A project and its dramas as they stood after some prefix of their events, folded with the domain's own
 * evolve functions. The project's status follows its newest drama exactly as the projects read model
 * derives it, so a past view and the live one are built by the same rules.
 */
export class ProjectTimeline {
  project: ProjectState = projectDecider.initialState();
  projectVersion = 0;
  status = 'draft';
  position = 0;
  lastEventAt: string | null = null;
  readonly dramas = new Map<string, DramaState>();
  private readonly kinds = new Map<string, DramaKind>();
  private newestDrama: string | null = null;

  apply(event: StoredEvent): void {
    this.position = event.globalPosition;
    this.lastEventAt = event.recordedAt;
    if (projectStream.owns(event.streamId)) {
      if (!PROJECT_EVENT_TYPES.has(event.type)) return;
      this.project = projectDecider.evolve(this.project, projectStream.decode(event));
      this.projectVersion = event.streamVersion;
      if (event.type === 'ProjectCreated') this.status = 'draft';
      return;
    }
    if (!isDramaStream(event.streamId)) return;
    const before = this.dramas.get(event.streamId) ?? { status: 'empty' };
    const after = evolveDrama(before, decodeDramaEvent(event));
    this.dramas.set(event.streamId, after);
    if (event.type === 'DramaRequested' && after.status !== 'empty') {
      this.kinds.set(event.streamId, after.kind);
      if (after.kind !== 'single_video') {
        this.newestDrama = event.streamId;
        this.status = 'generating';
      }
      return;
    }
    const next = DRAMA_STATUS[event.type];
    if (next && event.streamId === this.newestDrama) {
      this.status =
        this.kinds.get(event.streamId) === 'script_only' && next === 'completed' ? 'scripted' : next;
    }
  }

  /** The project as GET /projects/:id shows it, or null if it does not exist (yet, or any more). */
  view(): (ProjectView & { owner_id: string }) | null {
    return projectViewOf(this.project, this.status, this.projectVersion);
  }
}

export const projectTimelineTypes = (): string[] => [
  ...PROJECT_EVENT_TYPES,
  'DramaRequested',
  ...Object.keys(DRAMA_STATUS),
];
