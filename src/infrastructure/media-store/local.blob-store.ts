import { randomBytes } from 'node:crypto';
import { type BigIntStats, constants, type Dirent } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo } from '../../application/ports/blob-store.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import {
  blobNotFound,
  contentTypeFor,
  RangeNotSatisfiableError,
  validateBlobKey,
} from '../../application/shared/blob-key.js';
import { BlobStoreBase, type ByteRange } from './blob-store.base.js';
import type { MediaUrlSigner } from './media-url-signer.js';

export interface LocalBlobStoreOptions {
  signer: MediaUrlSigner;
  /** Prefix for links, e.g. "https://api.example.com"; '' gives relative "/media/…" links. */
  baseUrl?: string;
  defaultExpiresInSec?: number;
}

/** What a stored file name looks like; anything else in the folder (temp files, sidecars) is not a key. */
const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const isMissing = (error: unknown) =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

const outsideRoot = (key: string) =>
  new DomainError(
    'forbidden',
    'MEDIA.OUTSIDE_ROOT',
    `refusing to write ${key}: its folder resolves outside the media root (a symlink?)`,
  );

/**
 * Media in a folder (the app uses DATA_DIR/media). Writes go to a temp file in the target folder, are
 * fsynced, then renamed over the key, so a crash never leaves half a file under a key. Every path is
 * resolved through symlinks and must stay inside the root. Names starting with "." are the store's own
 * (temp files, ".<name>.type" sidecars for explicit content types); keys can never start with ".".
 */
export class LocalBlobStore extends BlobStoreBase {
  readonly kind = 'local' as const;
  private readonly baseUrl: string;

  private constructor(
    readonly root: string,
    private readonly options: LocalBlobStoreOptions,
  ) {
    super(options.defaultExpiresInSec);
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  }

  static async open(root: string, options: LocalBlobStoreOptions): Promise<LocalBlobStore> {
    await mkdir(root, { recursive: true });
    return new LocalBlobStore(await realpath(root), options);
  }

  protected async writeFile(key: string, path: string, type: string): Promise<BlobInfo> {
    return this.writeAtomically(key, type, async (tmp) => {
      await copyFile(path, tmp, constants.COPYFILE_EXCL);
      const handle = await open(tmp, 'r+');
      await handle.sync().finally(() => handle.close());
    });
  }

  protected async writeBuffer(key: string, data: Buffer | string, type: string): Promise<BlobInfo> {
    return this.writeAtomically(key, type, async (tmp) => {
      const handle = await open(tmp, 'wx', 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  protected async statKey(key: string): Promise<BlobInfo | null> {
    const handle = await this.openExisting(key);
    if (!handle) return null;
    try {
      return await this.info(key, await handle.stat({ bigint: true }));
    } finally {
      await handle.close();
    }
  }

  protected async openRead(key: string, range: ByteRange | undefined): Promise<Readable> {
    const handle = await this.openExisting(key);
    if (!handle) throw blobNotFound(key);
    // Sized from the open file: a concurrent overwrite renames a new inode in, and ours stays whole.
    const stats = await handle.stat();
    if (!stats.isFile() || (range && range.start >= stats.size)) {
      await handle.close();
      throw stats.isFile() ? new RangeNotSatisfiableError(key, stats.size) : blobNotFound(key);
    }
    return handle.createReadStream(
      range ? { start: range.start, end: Math.min(range.end, stats.size - 1) } : {},
    );
  }

  /** Idempotent. Removes the key itself (a symlink, not its target) and prunes emptied folders. */
  protected async deleteKey(key: string): Promise<void> {
    const lexical = this.lexicalPath(key);
    const dir = await this.resolveExisting(dirname(lexical));
    if (!dir) return;
    const name = lexical.slice(lexical.lastIndexOf(sep) + 1);
    for (const file of [name, `.${name}.type`]) {
      await unlink(join(dir, file)).catch((error: unknown) => {
        if (!isMissing(error) && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      });
    }
    for (let folder = dirname(lexical); folder !== this.root; folder = dirname(folder)) {
      const removed = await rmdir(folder).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }

  protected async listPrefix(prefix: string): Promise<BlobInfo[]> {
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys: string[] = [];
    await this.walk(base, keys);
    const matching = keys.filter((k) => k.startsWith(prefix)).sort();
    const infos = await Promise.all(matching.map((k) => this.stat(k)));
    return infos.filter((i): i is BlobInfo => i !== null);
  }

  protected async signedUrl(key: string, ttl: number): Promise<string> {
    const expires = this.options.signer.now() + ttl;
    const signature = this.options.signer.sign(key, expires);
    return `${this.baseUrl}/media/${key}?expires=${expires}&signature=${signature}`;
  }

  private lexicalPath(key: string): string {
    return join(this.root, ...validateBlobKey(key).split('/'));
  }

  private inside(path: string): boolean {
    return path === this.root || path.startsWith(this.root + sep);
  }

  /** The real path, or null when it does not exist or resolves outside the root. */
  private async resolveExisting(path: string): Promise<string | null> {
    try {
      const real = await realpath(path);
      return this.inside(real) ? real : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Opens the resolved path without following a symlink swapped in after the check. */
  private async openExisting(key: string): Promise<FileHandle | null> {
    const path = await this.resolveExisting(this.lexicalPath(key));
    if (!path) return null;
    return open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ELOOP') return null;
      throw error;
    });
  }

  private async writableFolder(key: string, lexical: string): Promise<string> {
    const folder = dirname(lexical);
    let existing = folder;
    while (!(await this.exists(existing))) existing = dirname(existing);
    if (!this.inside(await realpath(existing))) throw outsideRoot(key);
    await mkdir(folder, { recursive: true });
    const real = await realpath(folder);
    if (!this.inside(real)) throw outsideRoot(key);
    return real;
  }

  private async exists(path: string): Promise<boolean> {
    return realpath(path).then(
      () => true,
      (error: unknown) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );
  }

  private async writeAtomically(
    key: string,
    type: string,
    fill: (tmp: string) => Promise<void>,
  ): Promise<BlobInfo> {
    const lexical = this.lexicalPath(key);
    const folder = await this.writableFolder(key, lexical);
    const name = lexical.slice(lexical.lastIndexOf(sep) + 1);
    const tmp = join(folder, `.upload-${randomBytes(8).toString('hex')}.partial`);
    const sidecar = join(folder, `.${name}.type`);
    try {
      await fill(tmp).catch(async (error: unknown) => {
        // A concurrent delete may prune the new folder before the temp file lands in it: once more.
        if (!isMissing(error) || (await this.exists(folder))) throw error;
        await this.writableFolder(key, lexical);
        await fill(tmp);
      });
      // Risk: a crash between these two renames pairs the old bytes with the new type (never half a file).
      if (type === contentTypeFor(key)) await rm(sidecar, { force: true });
      else await this.writeSidecar(folder, sidecar, type);
      await rename(tmp, join(folder, name));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await this.syncFolder(folder);
    const info = await this.stat(key);
    if (!info) throw blobNotFound(key);
    return info;
  }

  private async writeSidecar(folder: string, sidecar: string, type: string): Promise<void> {
    const tmp = join(folder, `.upload-${randomBytes(8).toString('hex')}.partial`);
    await this.putSmallFile(tmp, type);
    await rename(tmp, sidecar);
  }

  private async putSmallFile(path: string, data: string): Promise<void> {
    const handle = await open(path, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Makes the rename itself durable; not every platform can open a folder, so failures are ignored. */
  private async syncFolder(folder: string): Promise<void> {
    const handle = await open(folder, 'r').catch(() => null);
    await handle
      ?.sync()
      .catch(() => undefined)
      .finally(() => handle.close());
  }

  private async info(key: string, stats: BigIntStats): Promise<BlobInfo | null> {
    if (!stats.isFile()) return null;
    return {
      key,
      size: Number(stats.size),
      contentType: await this.storedType(key),
      etag: `${stats.ino.toString(16)}-${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}`,
      lastModified: stats.mtime,
    };
  }

  private async storedType(key: string): Promise<string> {
    const lexical = this.lexicalPath(key);
    const name = lexical.slice(lexical.lastIndexOf(sep) + 1);
    const sidecar = await this.resolveExisting(join(dirname(lexical), `.${name}.type`));
    if (!sidecar) return contentTypeFor(key);
    return (await readFile(sidecar, 'utf8').catch(() => '')) || contentTypeFor(key);
  }

  private async walk(folderKey: string, into: string[]): Promise<void> {
    const folder = await this.resolveExisting(join(this.root, ...folderKey.split('/').filter(Boolean)));
    if (!folder) return;
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (!KEY_SEGMENT.test(entry.name)) continue;
      const key = `${folderKey}${entry.name}`;
      // Symlinked folders are not followed (no cycles, no escapes); symlinked files are checked by stat.
      if (entry.isDirectory()) await this.walk(`${key}/`, into);
      else if (entry.isFile() || entry.isSymbolicLink()) into.push(key);
    }
  }
}
