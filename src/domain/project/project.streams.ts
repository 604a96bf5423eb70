import { type RecordedEvent, streamKind } from '../shared/stream-kind.js';
import { projectDecider } from './project.decider.js';
import type { ProjectEvent } from './project.events.js';

/** `project-<id>`: a project's own events (its dramas have streams of their own). */
export const projectStream = streamKind('project', projectDecider);

export const decodeProjectEvent = (event: RecordedEvent): ProjectEvent => projectStream.decode(event);
