import { z } from 'zod';

export const uuidParam = z.uuid({ message: 'must be a UUID' });

export const pageQuery = z.object({
  page: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof pageQuery>;
