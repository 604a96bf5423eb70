import { z } from 'zod';
import { pageQuery } from './common.schemas.js';

export const parkedQuery = pageQuery.extend({
  consumer: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9:_-]{0,99}$/, { message: 'must be a consumer name, e.g. projection:projects' })
    .optional(),
  status: z
    .enum(['parked', 'retried', 'skipped'], { message: 'must be parked, retried or skipped' })
    .default('parked'),
});
export type ParkedQuery = z.infer<typeof parkedQuery>;
