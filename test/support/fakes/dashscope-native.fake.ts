import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { FakeServer, json, requestId, type RecordedRequest } from './fake-server.js';

const WANX_MODELS = [
  'wanx-v1',
  'wanx2.1-t2i-turbo',
  'wanx2.1-t2i-plus',
  'wan2.2-t2i-flash',
  'wan2.2-t2i-plus',
  'wan2.5-t2i-preview',
];
const TTS_MODELS = ['qwen3-tts-flash', 'qwen-tts', 'qwen3-tts-instruct-flash'];
const TTS_VOICES = ['Cherry', 'Serena', 'Ethan', 'Chelsie', 'Momo', 'Vivian'];

type Outcome = { kind: 'succeeded' } | { kind: 'failed'; code: string; message: string };

interface FakeTask {
  id: string;
  polls: number;
  cancelled: boolean;
  outcome: Outcome;
  submitted: string;
}

const stamp = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/**
 * DashScope's native API as the reference describes it: Bearer sk-…, flat `{"code","message","request_id"}`
 * errors, Wanx image synthesis only with X-DashScope-Async: enable (sizes `W*H`, 512–1440, n 1–4), tasks
 * PENDING → RUNNING → SUCCEEDED | FAILED, CANCELED, UNKNOWN for unknown ids, cancel while PENDING only, and
 * Qwen-TTS over plain HTTP answering an audio URL.
 */
export class DashScopeNativeFake {
  steps = { PENDING: 1, RUNNING: 1 };
  outcome: Outcome = { kind: 'succeeded' };
  /** A prompt or text containing this word is refused at submission (DataInspectionFailed). */
  inspectionWord = '违禁词';
  readonly tasks = new Map<string, FakeTask>();

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
  ) {}

  static async start(apiKey = 'sk-fake-dashscope-key'): Promise<DashScopeNativeFake> {
    const server = await FakeServer.start();
    const fake = new DashScopeNativeFake(server, apiKey);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  imageSubmissions(): RecordedRequest[] {
    return this.server.find('POST /api/v1/services/aigc/text2image/image-synthesis');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(res: ServerResponse, status: number, code: string, message: string) {
    json(res, status, { code, message, request_id: requestId() });
  }

  private handle(req: RecordedRequest, res: ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.error(res, 401, 'InvalidApiKey', 'Invalid API-key provided.');
    }
    if (req.method === 'POST' && req.path === '/api/v1/services/aigc/text2image/image-synthesis') {
      return this.synthesize(req, res);
    }
    if (req.method === 'POST' && req.path === '/api/v1/services/aigc/multimodal-generation/generation') {
      return this.speak(req, res);
    }
    const task = /^\/api\/v1\/tasks\/([^/]+)(\/cancel)?$/.exec(req.path);
    if (task) {
      const id = decodeURIComponent(task[1] as string);
      const found = this.tasks.get(id);
      if (task[2] && req.method === 'POST') {
        if (!found || this.state(found, false) !== 'PENDING') {
          return this.error(
            res,
            400,
            'UnsupportedOperation',
            'Failed to cancel the task, please confirm if the task status is PENDING.',
          );
        }
        found.cancelled = true;
        return json(res, 200, { request_id: requestId() });
      }
      if (req.method === 'GET') {
        if (!found)
          return json(res, 200, { request_id: requestId(), output: { task_id: id, task_status: 'UNKNOWN' } });
        return json(res, 200, this.view(found));
      }
    }
    this.error(res, 404, 'NotFound', 'Not Found');
  }

  private synthesize(req: RecordedRequest, res: ServerResponse): void {
    if (req.headers['x-dashscope-async'] !== 'enable') {
      return this.error(res, 403, 'AccessDenied', 'current user api does not support synchronous calls');
    }
    const body = req.body ?? {};
    if (!WANX_MODELS.includes(body.model))
      return this.error(res, 400, 'InvalidParameter', `Model not exist: ${body.model}`);
    const prompt = body.input?.prompt;
    if (typeof prompt !== 'string' || prompt === '' || prompt.length > 500) {
      return this.error(res, 400, 'InvalidParameter', 'input.prompt is required and at most 500 characters');
    }
    const params = body.parameters ?? {};
    const size = /^(\d+)\*(\d+)$/.exec(String(params.size ?? '1024*1024'));
    const sides = size ? [Number(size[1]), Number(size[2])] : [];
    if (!size || sides.some((s) => s < 512 || s > 1440)) {
      return this.error(
        res,
        400,
        'InvalidParameter',
        `size must be W*H with sides in [512, 1440], got ${params.size}`,
      );
    }
    if (params.n !== undefined && !(Number.isInteger(params.n) && params.n >= 1 && params.n <= 4)) {
      return this.error(res, 400, 'InvalidParameter', 'n must be 1 to 4');
    }
    if (
      params.seed !== undefined &&
      !(Number.isInteger(params.seed) && params.seed >= 0 && params.seed <= 2147483647)
    ) {
      return this.error(res, 400, 'InvalidParameter', 'seed must be 0 to 2147483647');
    }
    if (prompt.includes(this.inspectionWord)) {
      return this.error(res, 400, 'DataInspectionFailed', 'Input data may contain inappropriate content.');
    }
    const id = randomUUID();
    this.tasks.set(id, { id, polls: 0, cancelled: false, outcome: this.outcome, submitted: stamp() });
    json(res, 200, { output: { task_status: 'PENDING', task_id: id }, request_id: requestId() });
  }

  private state(task: FakeTask, count: boolean): string {
    if (count) task.polls++;
    if (task.cancelled) return 'CANCELED';
    if (task.polls <= this.steps.PENDING) return 'PENDING';
    if (task.polls <= this.steps.PENDING + this.steps.RUNNING) return 'RUNNING';
    return task.outcome.kind === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
  }

  private view(task: FakeTask): Record<string, unknown> {
    const status = this.state(task, true);
    const output: Record<string, unknown> = {
      task_id: task.id,
      task_status: status,
      submit_time: task.submitted,
      scheduled_time: task.submitted,
      task_metrics: {
        TOTAL: 1,
        SUCCEEDED: status === 'SUCCEEDED' ? 1 : 0,
        FAILED: status === 'FAILED' ? 1 : 0,
      },
    };
    if (status === 'SUCCEEDED') {
      output.end_time = stamp();
      output.results = [{ url: this.server.mediaUrl('png') }];
      return { request_id: requestId(), output, usage: { image_count: 1 } };
    }
    if (status === 'FAILED' && task.outcome.kind === 'failed') {
      output.code = task.outcome.code;
      output.message = task.outcome.message;
    }
    return { request_id: requestId(), output };
  }

  private speak(req: RecordedRequest, res: ServerResponse): void {
    const body = req.body ?? {};
    if (!TTS_MODELS.includes(body.model))
      return this.error(res, 400, 'InvalidParameter', `Model not exist: ${body.model}`);
    const text = body.input?.text;
    if (typeof text !== 'string' || text === '')
      return this.error(res, 400, 'InvalidParameter', 'input.text is required');
    if (!TTS_VOICES.includes(body.input?.voice)) {
      return this.error(res, 400, 'InvalidParameter', `voice ${body.input?.voice} is not supported`);
    }
    if (
      body.input.language_type !== undefined &&
      !['Chinese', 'English', 'Auto'].includes(body.input.language_type)
    ) {
      return this.error(
        res,
        400,
        'InvalidParameter',
        `language_type ${body.input.language_type} is not supported`,
      );
    }
    if (text.includes(this.inspectionWord)) {
      return this.error(res, 400, 'DataInspectionFailed', 'Input data may contain inappropriate content.');
    }
    json(res, 200, {
      output: {
        finish_reason: 'stop',
        audio: {
          url: this.server.mediaUrl('wav'),
          id: `audio_${randomUUID()}`,
          expires_at: Math.floor(Date.now() / 1000) + 86400,
          data: '',
        },
      },
      usage: { characters: [...text].length },
      request_id: requestId(),
    });
  }
}
