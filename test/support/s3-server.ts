import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestS3Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** "METHOD /path?query" of every request the server received, for asserting on the protocol used. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1, a free port and a temp folder, for one test file.
 * Known gaps, see the media-store report: it does not verify SigV4 signatures (only the access key and
 * the expiry of presigned URLs), it serves objects to unsigned requests, and it implements neither
 * ListMultipartUploads nor AbortMultipartUpload.
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'k3s-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = await server.run();
  const requests: string[] = [];
  server.httpServer.on('request', (req) => requests.push(`${req.method} ${req.url}`));
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // s3rver's built-in account.
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    region: 'us-east-1',
    requests,
    async close() {
      server.httpServer.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
