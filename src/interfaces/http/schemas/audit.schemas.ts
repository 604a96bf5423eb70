import { z } from 'zod';
import type { AsOf } from '../../../application/audit/as-of.js';
import type { HistoryFilter } from '../../../application/ports/event-history.port.js';
import { pageQuery } from './common.schemas.js';

/** The years both databases and JavaScript dates store without surprises (PostgreSQL has no year 0). */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z'); // (Date.UTC reads year 1 as 1901)
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const TIME_RANGE = 'must be a date-time between 0001-01-01 and 9999-12-31';
const inTimeRange = (value: string) => {
  const ms = new Date(value).getTime();
  return ms >= EARLIEST && ms <= LATEST;
};
const isoTime = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
  })
  .refine(inTimeRange, { message: TIME_RANGE });
const POSITION = `must be a global position (an integer from 0 to ${Number.MAX_SAFE_INTEGER})`;
const position = z.coerce
  .number({ message: POSITION })
  .int({ message: POSITION })
  .min(0, { message: POSITION })
  .max(Number.MAX_SAFE_INTEGER, { message: POSITION });

/** `?as_of=<global position>` or `?as_of=<ISO date-time>`; absent means "now, from the read model". */
export const asOfQuery = z.object({
  as_of: z
    .string()
    .trim()
    .min(1, { message: 'must be a global position or an ISO 8601 date-time' })
    .transform((value, ctx): AsOf => {
      if (/^\d+$/.test(value)) {
        if (Number(value) <= Number.MAX_SAFE_INTEGER) return { position: Number(value) };
        ctx.addIssue({ code: 'custom', message: POSITION });
        return z.NEVER;
      }
      const time = isoTime.safeParse(value);
      if (time.success) return { time: new Date(value).toISOString() };
      if (time.error.issues.some((issue) => issue.message === TIME_RANGE)) {
        ctx.addIssue({ code: 'custom', message: TIME_RANGE });
        return z.NEVER;
      }
      ctx.addIssue({
        code: 'custom',
        message: 'must be a global position (integer) or an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
      });
      return z.NEVER;
    })
    .optional(),
});
export type AsOfQuery = z.infer<typeof asOfQuery>;

const eventType = /^[A-Z][A-Za-z0-9]{0,99}$/;

export const historyQuery = pageQuery
  .extend({
    type: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .refine((types) => types.length > 0 && types.every((t) => eventType.test(t)), {
        message: 'must be comma-separated event types, e.g. ProjectCreated,DramaCompleted',
      })
      .optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    from_position: position.optional(),
    to_position: position.optional(),
    after: position.optional(),
  })
  .strict();
export type HistoryQuery = z.infer<typeof historyQuery>;

/** `after` is an exclusive cursor: the same as from_position = after + 1 (the larger bound wins). */
export function toHistoryFilter(q: HistoryQuery): HistoryFilter {
  const lower = [q.from_position, q.after === undefined ? undefined : q.after + 1].filter(
    (v): v is number => v !== undefined,
  );
  return {
    types: q.type,
    from: q.from ? new Date(q.from).toISOString() : undefined,
    to: q.to ? new Date(q.to).toISOString() : undefined,
    fromPosition: lower.length > 0 ? Math.max(...lower) : undefined,
    toPosition: q.to_position,
  };
}
