import type { ServerResponse } from 'node:http';
import { ChatReplies, answerChat } from './chat-completions.js';
import { FakeServer, json, type RecordedRequest } from './fake-server.js';

/**
 * vLLM's OpenAI-compatible server as the reference describes it: GET /health 200 with an empty body and
 * not behind --api-key, /v1/* Bearer or a flat 401 `{"error":"Unauthorized"}`, other errors
 * `{"error":{message,type,param,code:<int>}}`, 404 for an unknown model, guided_* fields removed (v0.12).
 */
export class VllmFake {
  readonly replies = new ChatReplies();
  healthy = true;

  private constructor(
    readonly server: FakeServer,
    readonly model: string,
    readonly apiKey: string | undefined,
  ) {}

  static async start(model = 'Qwen/Qwen2.5-7B-Instruct', apiKey?: string): Promise<VllmFake> {
    const server = await FakeServer.start();
    const fake = new VllmFake(server, model, apiKey);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  chatRequests(): RecordedRequest[] {
    return this.server.find('POST /v1/chat/completions');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(res: ServerResponse, status: number, type: string, message: string) {
    json(res, status, { error: { message, type, param: null, code: status } });
  }

  private handle(req: RecordedRequest, res: ServerResponse): void {
    if (req.path === '/health' && req.method === 'GET') {
      res.writeHead(this.healthy ? 200 : 503).end();
      return;
    }
    if (req.path === '/version') return json(res, 200, { version: '0.12.0' });
    if (
      req.path.startsWith('/v1/') &&
      this.apiKey !== undefined &&
      req.headers.authorization !== `Bearer ${this.apiKey}`
    ) {
      return json(res, 401, { error: 'Unauthorized' });
    }
    if (req.path === '/v1/models' && req.method === 'GET') {
      return json(res, 200, {
        object: 'list',
        data: [
          {
            id: this.model,
            object: 'model',
            created: 1735000000,
            owned_by: 'vllm',
            root: `/models/${this.model}`,
            parent: null,
            max_model_len: 32768,
            permission: [],
          },
        ],
      });
    }
    if (req.path === '/v1/chat/completions' && req.method === 'POST') {
      const body = req.body ?? {};
      if (body.model !== this.model)
        return this.error(res, 404, 'NotFoundError', `The model \`${body.model}\` does not exist.`);
      const removed = Object.keys(body).filter((k) => k.startsWith('guided_'));
      if (removed.length > 0)
        return this.error(res, 400, 'BadRequestError', `unsupported fields: ${removed.join(', ')}`);
      const format = body.response_format?.type;
      if (format !== undefined && !['json_schema', 'json_object', 'text'].includes(format)) {
        return this.error(res, 400, 'BadRequestError', `unknown response_format ${format}`);
      }
      return answerChat(req, res, this.replies.next(req));
    }
    this.error(res, 404, 'NotFoundError', 'Not Found');
  }
}
