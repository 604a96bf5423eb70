import type { ServerResponse } from 'node:http';
import { ChatReplies, answerChat, imageParts } from './chat-completions.js';
import { FakeServer, json, type RecordedRequest } from './fake-server.js';

/**
 * Ollama as the reference describes it: GET / and HEAD / "Ollama is running", /api/version, /api/tags and
 * /v1/models shapes, the OpenAI-compatible chat without auth, images only as base64 data URIs, errors
 * `{"error":{message,type,param:null,code:null}}`.
 */
export class OllamaFake {
  readonly replies = new ChatReplies();

  private constructor(
    readonly server: FakeServer,
    readonly models: string[],
  ) {}

  static async start(models = ['qwen2.5:7b', 'qwen2.5vl:7b']): Promise<OllamaFake> {
    const server = await FakeServer.start();
    const fake = new OllamaFake(server, models);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  chatRequests(): RecordedRequest[] {
    return this.server.find('POST /v1/chat/completions');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(res: ServerResponse, status: number, type: string, message: string) {
    json(res, status, { error: { message, type, param: null, code: null } });
  }

  private handle(req: RecordedRequest, res: ServerResponse): void {
    if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(req.method === 'GET' ? 'Ollama is running' : undefined);
      return;
    }
    if (req.path === '/api/version') return json(res, 200, { version: '0.12.6' });
    if (req.path === '/api/tags') {
      return json(res, 200, {
        models: this.models.map((name) => ({
          name,
          model: name,
          modified_at: '2025-01-01T00:00:00Z',
          size: 4683087332,
          digest: 'sha256:0000',
          details: {
            parent_model: '',
            format: 'gguf',
            family: 'qwen2',
            families: ['qwen2'],
            parameter_size: '7.6B',
            quantization_level: 'Q4_K_M',
          },
        })),
      });
    }
    if (req.path === '/v1/models') {
      return json(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: 1735000000, owned_by: 'library' })),
      });
    }
    if (req.path === '/v1/chat/completions' && req.method === 'POST') {
      const body = req.body ?? {};
      const model = String(body.model);
      const known = this.models.includes(model) || this.models.includes(`${model}:latest`);
      if (!known)
        return this.error(res, 404, 'not_found_error', `model "${model}" not found, try pulling it first`);
      if (imageParts(body).some((url) => !url.startsWith('data:'))) {
        return this.error(res, 400, 'invalid_request_error', 'invalid image input');
      }
      return answerChat(req, res, this.replies.next(req));
    }
    this.error(res, 404, 'not_found_error', '404 page not found');
  }
}
