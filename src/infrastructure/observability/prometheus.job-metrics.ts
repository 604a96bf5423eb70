import type { JobMetrics, JobOutcome } from '../../application/ports/job-metrics.port.js';
import type { Stage } from '../../domain/drama/drama.types.js';
import { jobDuration, jobsTotal } from './metrics.js';

/** Records the workers' jobs into the Prometheus registry; also counts this process's running jobs by stage. */
export class PrometheusJobMetrics implements JobMetrics {
  private readonly running = new Map<Stage, number>();

  jobStarted(stage: Stage): void {
    this.running.set(stage, (this.running.get(stage) ?? 0) + 1);
  }

  jobFinished(stage: Stage, outcome: JobOutcome, seconds: number): void {
    this.running.set(stage, Math.max(0, (this.running.get(stage) ?? 0) - 1));
    jobsTotal.inc({ stage, status: outcome });
    jobDuration.observe({ stage, status: outcome }, seconds);
  }

  runningByStage(): ReadonlyMap<Stage, number> {
    return this.running;
  }
}
