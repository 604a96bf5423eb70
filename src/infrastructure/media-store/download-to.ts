import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Writes a blob stream to a local file; a failed copy removes the partial file instead of leaving it. */
export async function downloadTo(source: Readable, path: string): Promise<void> {
  try {
    await pipeline(source, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}
