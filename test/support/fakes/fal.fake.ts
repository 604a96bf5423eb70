import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { FakeServer, json, type RecordedRequest } from './fake-server.js';

type Outcome =
  | { kind: 'succeeded' }
  | { kind: 'moderation' }
  | { kind: 'error'; status: number; errorType: string; detail: string };

interface FakeRequest {
  id: string;
  polls: number;
  cancelled: boolean;
  outcome: Outcome;
}

const ASPECT = ['16:9', '9:16', '1:1', '4:5', '5:4', '3:2', '2:3'];
const OWNER_ALIAS = 'fal-ai/pika';

/**
 * fal.ai's queue for Pika v2.2 as the reference describes it: `Key id:secret`, submit to the model path
 * with sub-path, status and result under owner/alias only (the sub-path there answers 405),
 * IN_QUEUE → IN_PROGRESS → COMPLETED with no FAILED status (the result GET carries the error), 422
 * `{"detail":[…]}`, 5xx `{"detail","error_type"}` + X-Fal-Error-Type, x-fal-request-id on every answer.
 */
export class FalFake {
  /** Status polls spent in each state before COMPLETED. */
  steps = { IN_QUEUE: 1, IN_PROGRESS: 2 };
  outcome: Outcome = { kind: 'succeeded' };
  moderationWord = 'FORBIDDEN';
  readonly requestsById = new Map<string, FakeRequest>();

  private constructor(
    readonly server: FakeServer,
    readonly key: string,
  ) {}

  static async start(key = 'fake-key-id:fake-key-secret'): Promise<FalFake> {
    const server = await FakeServer.start();
    const fake = new FalFake(server, key);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  submissions(): RecordedRequest[] {
    return this.server.find((r) => r.method === 'POST' && r.path.startsWith('/fal-ai/pika/v2.2/'));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    json(res, status, body, { 'x-fal-request-id': randomUUID(), ...headers });
  }

  private urls(id: string) {
    const root = `${this.server.url}/${OWNER_ALIAS}/requests/${id}`;
    return { request_id: id, response_url: root, status_url: `${root}/status`, cancel_url: `${root}/cancel` };
  }

  private handle(req: RecordedRequest, res: ServerResponse): void {
    if (req.headers.authorization !== `Key ${this.key}`) {
      return this.send(res, 401, { detail: 'Cannot access application: invalid key' });
    }
    const submit = /^\/fal-ai\/pika\/v2\.2\/(text-to-video|image-to-video)$/.exec(req.path);
    if (req.method === 'POST' && submit) return this.submit(submit[1] === 'image-to-video', req, res);
    if (/^\/fal-ai\/pika\/v2\.2\/[^/]+\/requests\//.test(req.path)) {
      return this.send(res, 405, { detail: 'Method Not Allowed' });
    }
    const match = /^\/fal-ai\/pika\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(req.path);
    const found = match ? this.requestsById.get(decodeURIComponent(match[1] as string)) : undefined;
    if (!match || !found) return this.send(res, 404, { detail: 'Request not found' });
    if (match[2] === '/status' && req.method === 'GET') return this.status(found, res);
    if (match[2] === '/cancel' && req.method === 'PUT') {
      if (this.state(found, false) !== 'IN_QUEUE')
        return this.send(res, 400, { status: 'ALREADY_COMPLETED' });
      found.cancelled = true;
      return this.send(res, 202, { status: 'CANCELLATION_REQUESTED' });
    }
    if (match[2] === undefined && req.method === 'GET') return this.result(found, res);
    this.send(res, 405, { detail: 'Method Not Allowed' });
  }

  private submit(image: boolean, req: RecordedRequest, res: ServerResponse): void {
    const body = req.body ?? {};
    const detail: Array<{ loc: string[]; msg: string; type: string }> = [];
    const bad = (field: string, msg: string, type = 'value_error') =>
      detail.push({ loc: ['body', field], msg, type });
    if (typeof body.prompt !== 'string' || body.prompt === '') bad('prompt', 'Field required', 'missing');
    if (body.duration !== undefined && ![5, 10].includes(body.duration))
      bad('duration', 'Input should be 5 or 10', 'literal_error');
    if (body.resolution !== undefined && !['720p', '1080p'].includes(body.resolution)) {
      bad('resolution', "Input should be '720p' or '1080p'", 'literal_error');
    }
    if (image) {
      const url = body.image_url;
      if (typeof url !== 'string' || !(/^https:\/\//.test(url) || /^data:image\/[a-z]+;base64,/.test(url))) {
        bad('image_url', 'Field required: an https URL or a data URI', 'missing');
      }
      if (body.aspect_ratio !== undefined)
        bad('aspect_ratio', 'Extra inputs are not permitted', 'extra_forbidden');
    } else if (body.aspect_ratio !== undefined && !ASPECT.includes(body.aspect_ratio)) {
      bad('aspect_ratio', `Input should be one of ${ASPECT.join(', ')}`, 'literal_error');
    }
    if (detail.length > 0) return this.send(res, 422, { detail });
    const id = randomUUID();
    const outcome: Outcome = String(body.prompt).includes(this.moderationWord)
      ? { kind: 'moderation' }
      : this.outcome;
    this.requestsById.set(id, { id, polls: 0, cancelled: false, outcome });
    this.send(res, 200, { ...this.urls(id), status: 'IN_QUEUE', queue_position: 0 });
  }

  private state(found: FakeRequest, count: boolean): string {
    if (count) found.polls++;
    if (found.polls <= this.steps.IN_QUEUE) return 'IN_QUEUE';
    if (found.polls <= this.steps.IN_QUEUE + this.steps.IN_PROGRESS) return 'IN_PROGRESS';
    return 'COMPLETED';
  }

  private status(found: FakeRequest, res: ServerResponse): void {
    const status = found.cancelled ? 'COMPLETED' : this.state(found, true);
    const extra =
      status === 'IN_QUEUE'
        ? { queue_position: this.steps.IN_QUEUE - found.polls }
        : status === 'IN_PROGRESS'
          ? {
              logs: [
                {
                  message: `step ${found.polls}`,
                  level: 'INFO',
                  source: 'user',
                  timestamp: new Date().toISOString(),
                },
              ],
            }
          : { metrics: { inference_time: 12.3 } };
    this.send(res, 200, { ...this.urls(found.id), status, ...extra });
  }

  private result(found: FakeRequest, res: ServerResponse): void {
    if (found.cancelled)
      return this.send(
        res,
        499,
        { detail: 'Request cancelled', error_type: 'client_cancelled' },
        { 'x-fal-error-type': 'client_cancelled' },
      );
    if (this.state(found, false) !== 'COMPLETED')
      return this.send(res, 400, { detail: 'Request is still in progress' });
    const outcome = found.outcome;
    if (outcome.kind === 'moderation') {
      return this.send(res, 422, {
        detail: [
          {
            loc: ['body', 'prompt'],
            msg: 'The prompt was flagged by the content checker',
            type: 'content_policy_violation',
          },
        ],
      });
    }
    if (outcome.kind === 'error') {
      return this.send(
        res,
        outcome.status,
        { detail: outcome.detail, error_type: outcome.errorType },
        { 'x-fal-error-type': outcome.errorType },
      );
    }
    this.send(res, 200, {
      video: {
        url: this.server.mediaUrl('mp4'),
        content_type: 'video/mp4',
        file_name: 'output.mp4',
        file_size: 4096,
      },
    });
  }
}
