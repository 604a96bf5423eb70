/** Limits shared by the domain's own guards and the edge's zod schemas, so the two always agree. */
export const PROJECT_LIMITS = {
  titleMax: 200,
  descriptionMax: 5000,
  genreMax: 50,
  episodesMin: 1,
  episodesMax: 100,
  durationMin: 10,
  durationMax: 3600,
} as const;
