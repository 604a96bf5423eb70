import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../../src/infrastructure/media-store/local.blob-store.js';
import {
  mediaSigningSecret,
  MediaUrlSigner,
} from '../../../src/infrastructure/media-store/media-url-signer.js';
import { mediaHandler } from '../../../src/interfaces/http/media.handler.js';
import { testLogger } from '../../support/logger.js';
import { blobStoreContract } from './blob-store.contract.js';

blobStoreContract('local folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k3s-media-'));
  const root = join(dir, 'media');
  const secret = mediaSigningSecret('contract-test-secret-contract-test-secret');
  const signer = new MediaUrlSigner(secret);
  // The local store's URLs point at the /media handler, so the contract fetches them through it.
  let store: LocalBlobStore | null = null;
  const server: Server = createServer((req, res) =>
    mediaHandler({ blobs: store!, signer, logger: testLogger() })(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = await LocalBlobStore.open(root, { signer, baseUrl });
  const lateSigner = new MediaUrlSigner(secret, () => Math.floor(Date.now() / 1000) - 7200);
  const lateStore = await LocalBlobStore.open(root, { signer: lateSigner, baseUrl });
  return {
    store,
    lateStore,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
