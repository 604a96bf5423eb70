import { CliError, type CliServices, EXIT, type Output } from './commands.js';
import { isUuid } from '../../domain/shared/ids.js';

const STATUSES = ['parked', 'retried', 'skipped'] as const;

/** Stored checkpoints of the log's consumers, their lag and their parked events. */
export async function consumers(services: CliServices, io: Output, json: boolean): Promise<number> {
  const [stored, head, counts] = await Promise.all([
    services.consumers.parked.storedCheckpoints(),
    services.store.headPosition(),
    services.consumers.parked.counts(),
  ]);
  const rows = stored.map((c) => ({
    ...c,
    head,
    lag: Math.max(0, head - c.position),
    parked: counts.get(c.name) ?? 0,
  }));
  if (json) {
    io.out(JSON.stringify(rows));
    return EXIT.ok;
  }
  io.out('consumer                      position    lag  parked  updated');
  for (const r of rows) {
    io.out(
      `${r.name.padEnd(28)} ${String(r.position).padStart(9)} ${String(r.lag).padStart(6)} ${String(r.parked).padStart(7)}  ${r.updatedAt}`,
    );
  }
  io.out(
    '(the job dispatcher, live progress and followers keep their position in memory: see GET /api/v1/admin/consumers)',
  );
  return EXIT.ok;
}

/** parked list [--consumer <name>] [--status parked|retried|skipped] | parked retry <id> | parked skip <id> */
export async function parked(
  services: CliServices,
  io: Output,
  action: string | undefined,
  id: string | undefined,
  filter: { consumer?: string; status?: string },
  json: boolean,
): Promise<number> {
  const admin = services.consumers;
  switch (action) {
    case 'list': {
      const status = (filter.status ?? 'parked') as (typeof STATUSES)[number];
      if (!STATUSES.includes(status)) throw new CliError(`--status: use one of ${STATUSES.join(', ')}`);
      const { items, total } = await admin.parked.list({
        consumer: filter.consumer,
        status,
        offset: 0,
        limit: 1000,
      });
      if (json) {
        io.out(JSON.stringify({ items, total }));
        return EXIT.ok;
      }
      if (items.length === 0)
        io.out(`no ${status} events${filter.consumer ? ` for ${filter.consumer}` : ''}`);
      for (const p of items) {
        io.out(
          `${p.id}  ${p.consumer}  position ${p.position}  ${p.eventType} on ${p.streamId}  ` +
            `${p.attempts} attempts, ${p.status} ${p.resolvedAt ?? p.parkedAt}\n    ${p.error}`,
        );
      }
      return EXIT.ok;
    }
    case 'retry':
    case 'skip': {
      if (!id || !isUuid(id)) throw new CliError(`parked ${action}: give the parked event's id (a UUID)`);
      try {
        const result = action === 'retry' ? await admin.retryParked(id) : await admin.skipParked(id);
        io.out(`${result.consumer} position ${result.position}: ${result.status}`);
        return EXIT.ok;
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error), EXIT.failed);
      }
    }
    default:
      throw new CliError(`parked: unknown action ${JSON.stringify(action ?? '')}; use list, retry or skip`);
  }
}
