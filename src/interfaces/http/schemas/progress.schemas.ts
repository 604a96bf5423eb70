import { z } from 'zod';

/** A global position to resume after: `?since=` or the SSE `Last-Event-ID` header. */
export const positionParam = z
  .string()
  .regex(/^\d{1,15}$/, { message: 'must be a non-negative integer (a message position)' })
  .transform(Number);

export const progressQuery = z.object({ since: positionParam.optional() });
export type ProgressQuery = z.infer<typeof progressQuery>;
