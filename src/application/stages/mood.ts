import type { Beat } from '../../domain/script/beats.js';

/** Background-music mood from the genre, shifted by where the scene sits in the story. */
export function moodFor(genre: string, beat: Beat | undefined): string {
  const g = genre.toLowerCase();
  const base = /爱情|恋|romance|love/.test(g)
    ? 'romantic'
    : /悬疑|惊悚|犯罪|mystery|thriller|crime/.test(g)
      ? 'mystery'
      : /喜剧|搞笑|comedy/.test(g)
        ? 'warm'
        : /悲|drama|tragedy/.test(g)
          ? 'sad'
          : 'calm';
  if (beat === 'climax' || beat === 'crisis') return 'tense';
  if (beat === 'resolution') return 'hopeful';
  return base;
}
