import { mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { cjkFonts } from './fonts.js';

/**
 * Runs `work` in a fresh hidden folder next to the final output (same filesystem, so results can be
 * renamed into place) and removes the folder afterwards, whether `work` succeeded, failed or was cancelled.
 * The folder holds links `regular.otf` and `bold.otf`, so drawtext arguments can use short relative
 * paths that need no escaping.
 */
export async function withWorkDir<T>(nextTo: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(dirname(nextTo), `.${basename(nextTo)}.work-`));
  try {
    const fonts = cjkFonts();
    await symlink(fonts.regular, join(dir, 'regular.otf'));
    await symlink(fonts.bold, join(dir, 'bold.otf'));
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Moves finished files into place; until then no output path holds a partial file. */
export async function publish(moves: readonly (readonly [from: string, to: string])[]): Promise<void> {
  for (const [from, to] of moves) await rename(from, to);
}
