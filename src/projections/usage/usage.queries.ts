import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { ProjectUsage } from '../../application/ports/read-models.port.js';
import { dramaIdOf } from '../../domain/drama/drama.streams.js';

export async function projectUsage(sql: SqlExecutor, projectId: string): Promise<ProjectUsage> {
  const [totals, providers, dramas] = await Promise.all([
    sql.query<{ metric: string; amount: number }>(
      'SELECT metric, sum(amount) AS amount FROM usage_entries WHERE project_id = $1 GROUP BY metric ORDER BY metric',
      [projectId],
    ),
    sql.query<{ provider: string; metric: string; amount: number }>(
      `SELECT provider, metric, sum(amount) AS amount FROM usage_entries WHERE project_id = $1
        GROUP BY provider, metric ORDER BY provider, metric`,
      [projectId],
    ),
    sql.query<{ stream_id: string; kind: string; metric: string; amount: number }>(
      `SELECT e.stream_id, s.kind, e.metric, sum(e.amount) AS amount
         FROM usage_entries e JOIN usage_streams s ON s.stream_id = e.stream_id
        WHERE e.project_id = $1 GROUP BY e.stream_id, s.kind, e.metric ORDER BY e.stream_id, e.metric`,
      [projectId],
    ),
  ]);
  return {
    totals: Object.fromEntries(totals.map((r) => [r.metric, Number(r.amount)])),
    by_provider: providers.map((r) => ({ ...r, amount: Number(r.amount) })),
    by_drama: dramas.map((r) => ({
      drama_id: dramaIdOf(r.stream_id),
      kind: r.kind,
      metric: r.metric,
      amount: Number(r.amount),
    })),
  };
}
