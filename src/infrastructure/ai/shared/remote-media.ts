import type { AiLimits } from '../../config/ai.config.js';
import type { Download, MediaKind } from '../../net/safe-fetch.js';
import { downloadOutput, nameByType, workFile } from './output-download.js';
import { runRemoteTask, type RemoteTaskSpec } from './remote-task.js';

export interface RemoteMediaSpec<T> extends Omit<RemoteTaskSpec<T>, 'timeoutMs' | 'maxPollFailures'> {
  limits: AiLimits;
  /** The provider's configured API base: its host is always allowed for the download. */
  apiBaseUrl: string;
  kind: MediaKind;
  outputUrl(output: T): string;
}

/**
 * A paid remote task that makes one media file: run (or resume) it, then download its output into the
 * job folder at once, named `<provider>-<task id>.<ext>`.
 */
export async function runRemoteMedia<T>(
  spec: RemoteMediaSpec<T>,
): Promise<{ taskId: string; output: T; file: Download }> {
  const { limits, ctx } = spec;
  const { taskId, output } = await runRemoteTask({
    ...spec,
    timeoutMs: limits.taskTimeoutMs,
    maxPollFailures: limits.retries + 2,
  });
  const download = await downloadOutput(spec.provider, spec.apiBaseUrl, limits, ctx, {
    url: spec.outputUrl(output),
    path: workFile(ctx, `${spec.provider}-${taskId}`),
    kind: spec.kind,
  });
  const file = await nameByType(download);
  ctx.reportProgress(1, `${spec.label} downloaded`);
  return { taskId, output, file };
}
