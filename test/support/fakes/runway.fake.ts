import { randomUUID } from 'node:crypto';
import { FakeServer, json, type RecordedRequest } from './fake-server.js';

/** Runway's model rules from the provider reference, written out again so the fake checks our adapter. */
const RATIOS6 = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO_RATIOS = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
type Rule = { ratios: string[]; durations: number[]; promptText: 'required' | 'optional'; extra: string[] };
const I2V: Record<string, Rule> = {
  gen4_turbo: { ratios: RATIOS6, durations: range(2, 10), promptText: 'optional', extra: [] },
  'gen4.5': { ratios: RATIOS6, durations: range(2, 10), promptText: 'required', extra: [] },
  'veo3.1': {
    ratios: VEO_RATIOS,
    durations: [4, 6, 8],
    promptText: 'optional',
    extra: ['audio', 'negativePrompt'],
  },
  'veo3.1_fast': {
    ratios: VEO_RATIOS,
    durations: [4, 6, 8],
    promptText: 'optional',
    extra: ['audio', 'negativePrompt'],
  },
  veo3: { ratios: VEO_RATIOS, durations: [8], promptText: 'optional', extra: [] },
  gemini_omni_flash: {
    ratios: ['1280:720', '720:1280'],
    durations: range(3, 10),
    promptText: 'optional',
    extra: [],
  },
};
const T2V: Record<string, Rule> = {
  'gen4.5': { ratios: ['1280:720', '720:1280'], durations: range(2, 10), promptText: 'required', extra: [] },
  'veo3.1': {
    ratios: VEO_RATIOS,
    durations: [4, 6, 8],
    promptText: 'required',
    extra: ['audio', 'negativePrompt'],
  },
  'veo3.1_fast': {
    ratios: VEO_RATIOS,
    durations: [4, 6, 8],
    promptText: 'required',
    extra: ['audio', 'negativePrompt'],
  },
  veo3: { ratios: VEO_RATIOS, durations: [8], promptText: 'required', extra: [] },
  gemini_omni_flash: {
    ratios: ['1280:720', '720:1280'],
    durations: range(3, 10),
    promptText: 'required',
    extra: [],
  },
};

type Outcome = { kind: 'succeeded' } | { kind: 'failed'; failure: string; failureCode?: string };

interface FakeTask {
  id: string;
  polls: number;
  promptText: string;
  cancelled: boolean;
  deleted: boolean;
  outcome: Outcome;
}

/** Polls a task spends in each state before its outcome. */
export interface RunwaySteps {
  PENDING: number;
  THROTTLED: number;
  RUNNING: number;
}

/**
 * Runway's API as the reference describes it: Bearer key_<128 hex>, X-Runway-Version 2024-11-06, camelCase
 * bodies validated per model, `{"error","issues"}` errors, tasks PENDING → THROTTLED → RUNNING(progress) →
 * SUCCEEDED(output) | FAILED(failure, failureCode), DELETE to cancel, GET /v1/organization.
 */
export class RunwayFake {
  steps: RunwaySteps = { PENDING: 1, THROTTLED: 0, RUNNING: 2 };
  outcome: Outcome = { kind: 'succeeded' };
  /** A promptText containing this word fails the task with SAFETY.INPUT.TEXT. */
  moderationWord = 'FORBIDDEN';
  readonly tasks = new Map<string, FakeTask>();

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
  ) {}

  static async start(apiKey = `key_${'ab'.repeat(64)}`): Promise<RunwayFake> {
    const server = await FakeServer.start();
    const fake = new RunwayFake(server, apiKey);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  submissions(): RecordedRequest[] {
    return this.server.find((r) => r.method === 'POST' && /^\/v1\/(image|text)_to_video$/.test(r.path));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: RecordedRequest, res: import('node:http').ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${this.apiKey}` || !/^key_[0-9a-f]{128}$/.test(this.apiKey)) {
      return json(res, 401, { error: 'Unauthorized: the API key is invalid or has been disabled.' });
    }
    if (req.headers['x-runway-version'] !== '2024-11-06') {
      return json(res, 400, {
        error:
          'Invalid API version. Set the X-Runway-Version header to a supported version, such as 2024-11-06.',
      });
    }
    if (req.method === 'GET' && req.path === '/v1/organization') {
      return json(res, 200, {
        tier: {
          maxMonthlyCreditSpend: 10000,
          models: { gen4_turbo: { maxConcurrentGenerations: 2, maxDailyGenerations: 50 } },
        },
        creditBalance: 12345,
        usage: { models: {} },
      });
    }
    const create = /^\/v1\/(image|text)_to_video$/.exec(req.path);
    if (req.method === 'POST' && create) return this.create(create[1] === 'image', req, res);
    const task = /^\/v1\/tasks\/([^/]+)$/.exec(req.path);
    if (task) {
      const found = this.tasks.get(decodeURIComponent(task[1] as string));
      if (!found || found.deleted) return json(res, 404, { error: 'Task not found' });
      if (req.method === 'GET') return json(res, 200, this.view(found));
      if (req.method === 'DELETE') {
        const state = this.state(found);
        if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') found.deleted = true;
        else found.cancelled = true;
        res.writeHead(204).end();
        return;
      }
      return json(res, 405, { error: 'Method not allowed' });
    }
    json(res, 404, { error: 'Not found' });
  }

  private create(image: boolean, req: RecordedRequest, res: import('node:http').ServerResponse): void {
    const body = req.body;
    const issues: Array<{ path: string[]; message: string }> = [];
    if (typeof body !== 'object' || body === null) {
      return json(res, 400, {
        error: 'Validation of body failed',
        issues: [{ path: [], message: 'Expected object' }],
      });
    }
    const rules = image ? I2V : T2V;
    const rule = rules[body.model];
    if (!rule) {
      issues.push({
        path: ['model'],
        message: `Invalid enum value. Expected ${Object.keys(rules)
          .map((m) => `'${m}'`)
          .join(' | ')}, received '${body.model}'`,
      });
    } else {
      const allowed = [
        'model',
        'ratio',
        'promptText',
        'duration',
        'seed',
        'contentModeration',
        ...rule.extra,
      ];
      if (image) allowed.push('promptImage');
      const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
      if (unknown.length > 0)
        issues.push({
          path: [],
          message: `Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`,
        });
      if (!rule.ratios.includes(body.ratio)) {
        issues.push({
          path: ['ratio'],
          message: `Invalid enum value. Expected ${rule.ratios.join(' | ')}, received '${body.ratio}'`,
        });
      }
      if (body.duration !== undefined && !rule.durations.includes(body.duration)) {
        issues.push({ path: ['duration'], message: `Invalid duration ${body.duration}` });
      }
      if (rule.promptText === 'required' && typeof body.promptText !== 'string') {
        issues.push({ path: ['promptText'], message: 'Required' });
      }
      if (typeof body.promptText === 'string' && body.promptText.length > 1000) {
        issues.push({ path: ['promptText'], message: 'String must contain at most 1000 character(s)' });
      }
      if (
        body.seed !== undefined &&
        (!Number.isInteger(body.seed) || body.seed < 0 || body.seed > 4294967295)
      ) {
        issues.push({ path: ['seed'], message: 'Number must be an integer from 0 to 4294967295' });
      }
      if (image) {
        const uri = body.promptImage;
        const ok =
          (typeof uri === 'string' &&
            (/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\//i.test(uri) ||
              /^data:image\/(png|jpeg|webp);base64,/.test(uri))) ||
          Array.isArray(uri);
        if (!ok)
          issues.push({
            path: ['promptImage'],
            message: 'Invalid url: an HTTPS URL with a domain or a data URI',
          });
      }
    }
    if (issues.length > 0) return json(res, 400, { error: 'Validation of body failed', issues });
    const id = randomUUID();
    const promptText = String(body.promptText ?? '');
    const outcome: Outcome = promptText.includes(this.moderationWord)
      ? {
          kind: 'failed',
          failure: 'The prompt text did not pass content moderation.',
          failureCode: 'SAFETY.INPUT.TEXT',
        }
      : this.outcome;
    this.tasks.set(id, { id, polls: 0, promptText, cancelled: false, deleted: false, outcome });
    json(res, 200, { id });
  }

  private state(task: FakeTask): string {
    if (task.cancelled) return 'CANCELLED';
    const { PENDING, THROTTLED, RUNNING } = this.steps;
    if (task.polls <= PENDING) return 'PENDING';
    if (task.polls <= PENDING + THROTTLED) return 'THROTTLED';
    if (task.polls <= PENDING + THROTTLED + RUNNING) return 'RUNNING';
    return task.outcome.kind === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
  }

  private view(task: FakeTask): Record<string, unknown> {
    task.polls++;
    const base = { id: task.id, createdAt: '2024-06-27T19:49:32.335Z', status: this.state(task) };
    switch (base.status) {
      case 'RUNNING': {
        const done = task.polls - this.steps.PENDING - this.steps.THROTTLED;
        return { ...base, progress: Math.round((done / (this.steps.RUNNING + 1)) * 100) / 100 };
      }
      case 'SUCCEEDED':
        return { ...base, output: [this.server.mediaUrl('mp4')] };
      case 'FAILED': {
        const outcome = task.outcome as Extract<Outcome, { kind: 'failed' }>;
        return {
          ...base,
          failure: outcome.failure,
          ...(outcome.failureCode ? { failureCode: outcome.failureCode } : {}),
        };
      }
      default:
        return base;
    }
  }
}
