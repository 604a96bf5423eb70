import { z } from 'zod';
import { PROJECT_LIMITS as L } from '../../../domain/project/project.limits.js';

const title = z.string().trim().min(1, 'must not be empty').max(L.titleMax);
const description = z.string().max(L.descriptionMax);
const genre = z.string().trim().max(L.genreMax);
const episodes = z.number().int().min(L.episodesMin).max(L.episodesMax);
const duration = z.number().int().min(L.durationMin).max(L.durationMax);

export const createProjectBody = z.strictObject({
  title,
  description: description.default(''),
  genre: genre.default(''),
  target_episodes: episodes.default(1),
  target_duration_sec: duration.default(60),
});

export const updateProjectBody = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    genre: genre.optional(),
    target_episodes: episodes.optional(),
    target_duration_sec: duration.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to update' });

export type CreateProjectBody = z.infer<typeof createProjectBody>;
export type UpdateProjectBody = z.infer<typeof updateProjectBody>;

export const toProjectFields = (b: Partial<CreateProjectBody>) => ({
  title: b.title,
  description: b.description,
  genre: b.genre,
  targetEpisodes: b.target_episodes,
  targetDurationSec: b.target_duration_sec,
});
