import type { ServerResponse } from 'node:http';
import { ChatReplies, answerChat, imageParts, messagesText } from './chat-completions.js';
import { FakeServer, json, requestId, type RecordedRequest } from './fake-server.js';

const TEXT_MODELS = [
  'qwen-max',
  'qwen-plus',
  'qwen-plus-latest',
  'qwen-plus-2025-04-28',
  'qwen-plus-2025-07-28',
  'qwen-turbo',
  'qwen-flash',
  'qwen3-max',
  'qwen2.5-7b-instruct',
  'qwen3-8b',
  'deepseek-v3.2',
];
const VISION_MODELS = ['qwen-vl-max', 'qwen-vl-plus', 'qwen3-vl-plus', 'qwen3-vl-flash'];
const JSON_SCHEMA_MODELS = [
  'qwen-plus',
  'qwen-plus-latest',
  'qwen-plus-2025-07-28',
  'qwen3-max',
  'qwen-flash',
  'deepseek-v3.2',
];
const OPEN_SOURCE_QWEN3 = /^qwen3-\d+(\.\d+)?b/;

const INSPECTION_INPUT = 'Input data may contain inappropriate content.';
const INSPECTION_OUTPUT = 'Output data may contain inappropriate content.';

/** Width and height of a PNG data URI (enough for the 10 px rule). */
function pngSize(uri: string): { width: number; height: number } | undefined {
  const match = /^data:image\/png;base64,(.+)$/.exec(uri);
  if (!match) return undefined;
  const data = Buffer.from(match[1] as string, 'base64');
  if (data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/**
 * DashScope's OpenAI-compatible mode as the reference describes it: Bearer sk-…, OpenAI envelopes plus a
 * top-level request_id, the "JSON" keyword rule of json_object, json_schema refused on older models,
 * enable_thinking required off for open-source Qwen3 outside streaming, image parts only on VL models
 * (sides over 10 px), data_inspection_failed as HTTP 400 or mid-stream, limit_requests 429, invalid_api_key 401.
 */
export class DashScopeCompatibleFake {
  readonly replies = new ChatReplies();
  /** Input containing this word is refused by content inspection (HTTP 400). */
  inspectionWord = '违禁词';
  /** The next streamed answers stop after one chunk with data_inspection_failed. */
  midStreamInspections = 0;
  /** Images are refused by content inspection. */
  inspectImages = false;

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
  ) {}

  static async start(apiKey = 'sk-fake-dashscope-key'): Promise<DashScopeCompatibleFake> {
    const server = await FakeServer.start();
    const fake = new DashScopeCompatibleFake(server, apiKey);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  /** The compatible-mode base URL (QWEN_BASE_URL). */
  get baseUrl(): string {
    return `${this.server.url}/compatible-mode/v1`;
  }

  chatRequests(): RecordedRequest[] {
    return this.server.find('POST /compatible-mode/v1/chat/completions');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    type = 'invalid_request_error',
  ) {
    json(res, status, {
      error: { code, param: null, message, type },
      id: `chatcmpl-${requestId()}`,
      request_id: requestId(),
    });
  }

  private handle(req: RecordedRequest, res: ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.error(res, 401, 'invalid_api_key', 'Incorrect API key provided. ');
    }
    if (req.method !== 'POST' || req.path !== '/compatible-mode/v1/chat/completions') {
      return this.error(res, 404, 'not_found', 'Not Found');
    }
    const body = req.body;
    if (!body || !Array.isArray(body.messages)) {
      return this.error(res, 400, 'invalid_parameter_error', "'messages' is required");
    }
    const model = String(body.model);
    const vision = VISION_MODELS.includes(model);
    if (!vision && !TEXT_MODELS.includes(model)) {
      return this.error(
        res,
        404,
        'model_not_found',
        `The model \`${model}\` does not exist or you do not have access to it.`,
      );
    }
    const images = imageParts(body);
    if (images.length > 0 && !vision) {
      return this.error(
        res,
        400,
        'invalid_parameter_error',
        '<400> InternalError.Algo.InvalidParameter: Unexpected item type in content.',
      );
    }
    for (const uri of images) {
      const size = pngSize(uri);
      if (!uri.startsWith('data:') && !uri.startsWith('https://')) {
        return this.error(res, 400, 'invalid_parameter_error', 'The image URL is invalid.');
      }
      if (size && (size.width <= 10 || size.height <= 10)) {
        return this.error(
          res,
          400,
          'invalid_parameter_error',
          '<400> InternalError.Algo.InvalidParameter: The image length and width do not meet the model restrictions. [height:10 or width:10 must be larger than 10]',
        );
      }
    }
    if (OPEN_SOURCE_QWEN3.test(model) && !body.stream && body.enable_thinking !== false) {
      return this.error(
        res,
        400,
        'invalid_parameter_error',
        'parameter.enable_thinking must be set to false for non-streaming calls',
      );
    }
    const format = body.response_format?.type;
    if (format === 'json_object' && !/json/i.test(messagesText(body))) {
      return this.error(
        res,
        400,
        'invalid_parameter_error',
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      );
    }
    if (format === 'json_schema' && !JSON_SCHEMA_MODELS.includes(model)) {
      // The double's wording: the reference says such models refuse json_schema, not in which words.
      return this.error(
        res,
        400,
        'invalid_parameter_error',
        `response_format json_schema is not supported by model ${model}`,
      );
    }
    if (
      format === 'json_schema' &&
      (typeof body.response_format.json_schema?.name !== 'string' || !body.response_format.json_schema.schema)
    ) {
      return this.error(
        res,
        400,
        'invalid_parameter_error',
        'response_format.json_schema needs name and schema',
      );
    }
    if (messagesText(body).includes(this.inspectionWord) || (images.length > 0 && this.inspectImages)) {
      return this.error(res, 400, 'data_inspection_failed', INSPECTION_INPUT, 'data_inspection_failed');
    }
    const reply = this.replies.next(req);
    if (body.stream && this.midStreamInspections > 0) {
      this.midStreamInspections--;
      reply.midStreamError = {
        error: {
          code: 'data_inspection_failed',
          param: null,
          message: INSPECTION_OUTPUT,
          type: 'data_inspection_failed',
        },
        request_id: requestId(),
      };
    }
    answerChat(req, res, reply);
  }
}
