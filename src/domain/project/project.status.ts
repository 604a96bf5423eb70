import type { ProjectStatus } from './project.events.js';

/**
 * A project's status follows its newest drama: generating → completed / failed / cancelled. The status a
 * drama event moves the project to (a script-only drama that completes leaves it `scripted`).
 */
export const DRAMA_STATUS: Readonly<Record<string, ProjectStatus>> = {
  DramaCompleted: 'completed',
  DramaFailed: 'failed',
  DramaCancelled: 'cancelled',
  DramaResumed: 'generating',
  SceneRegenerationRequested: 'generating',
};
