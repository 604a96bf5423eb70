import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { FakeServer, json, type RecordedRequest } from './fake-server.js';
import { testMedia } from './media.js';

/** One POST /v1/images/edits as the double read it: its text fields and its uploaded images. */
export interface ImageEdit {
  fields: Record<string, string>;
  images: { field: string; filename: string; type: string; bytes: Buffer }[];
}

/** A PNG with a tEXt chunk added before its IEND. */
function withText(png: Buffer, keyword: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'utf8')]);
  const type = Buffer.from('tEXt', 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

const IMAGE_MAGIC: Array<[string, (b: Buffer) => boolean]> = [
  ['image/png', (b) => b.subarray(1, 4).toString('latin1') === 'PNG'],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/webp', (b) => b.subarray(8, 12).toString('latin1') === 'WEBP'],
];

/**
 * An OpenAI-style POST /v1/images/generations server, and POST /v1/images/edits (multipart/form-data:
 * `image[]` files, up to 16, PNG/JPEG/WebP, for the gpt-image models): `{model, prompt, n?, size?, response_format?}` with
 * lowercase-x sizes → `{"created","data":[{"url"}|{"b64_json"}]}`, OpenAI error envelopes (the 401 echoes
 * the key it was given, as OpenAI partly does), content_policy_violation for flagged prompts, GET /v1/models.
 */
export class OpenAiImagesFake {
  moderationWord = 'FORBIDDEN';
  readonly edits: ImageEdit[] = [];
  /**
   * Answer each request with its own image: the test PNG with the prompt in a tEXt chunk (base64
   * answers only), so a test can tell which generated image went where.
   */
  stampPrompts = false;
  /** What the server answers when the request names no response_format. */
  defaultFormat: 'url' | 'b64_json' = 'url';

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
    readonly models: string[],
  ) {}

  static async start(
    apiKey = 'sk-fake-images-key',
    models = ['gpt-image-1', 'dall-e-3'],
  ): Promise<OpenAiImagesFake> {
    const server = await FakeServer.start();
    const fake = new OpenAiImagesFake(server, apiKey, models);
    server.handler = (req, res) => fake.handle(req, res);
    return fake;
  }

  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(
    res: ServerResponse,
    status: number,
    code: string | null,
    message: string,
    type = 'invalid_request_error',
  ) {
    json(res, status, { error: { message, type, param: null, code } });
  }

  private async handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${this.apiKey}`) {
      const given = auth.replace(/^Bearer /, '');
      return this.error(
        res,
        401,
        'invalid_api_key',
        `Incorrect API key provided: ${given}. You can find your API key in your account settings.`,
      );
    }
    if (req.path === '/v1/models' && req.method === 'GET') {
      return json(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: 1735000000, owned_by: 'system' })),
      });
    }
    if (req.path === '/v1/images/edits' && req.method === 'POST') return this.edit(req, res);
    if (req.path !== '/v1/images/generations' || req.method !== 'POST')
      return this.error(res, 404, null, 'Not found');
    return this.answer(res, req.body ?? {});
  }

  private async edit(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('multipart/form-data'))
      return this.error(res, 400, null, 'Invalid content type: images/edits takes multipart/form-data.');
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(req.bytes),
    }).formData();
    const edit: ImageEdit = { fields: {}, images: [] };
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') edit.fields[field] = value;
      else {
        const bytes = Buffer.from(await value.arrayBuffer());
        const sniffed = IMAGE_MAGIC.find(([, test]) => test(bytes))?.[0];
        if (field !== 'image' && field !== 'image[]')
          return this.error(res, 400, 'unknown_parameter', `Unknown parameter: '${field}'.`);
        if (!sniffed)
          return this.error(
            res,
            400,
            'invalid_image_format',
            `Invalid file '${value.name}': unsupported image.`,
          );
        edit.images.push({ field, filename: value.name, type: sniffed, bytes });
      }
    }
    this.edits.push(edit);
    if (edit.images.length === 0) return this.error(res, 400, null, "Missing required parameter: 'image'.");
    if (edit.images.length > 16) return this.error(res, 400, null, 'Too many images: at most 16.');
    if (!String(edit.fields.model ?? '').startsWith('gpt-image') && edit.images.length > 1)
      return this.error(res, 400, 'invalid_value', 'Only the gpt-image models take several images.');
    // The GPT image models always answer base64.
    const response_format = edit.fields.response_format ?? 'b64_json';
    return this.answer(res, { ...edit.fields, n: Number(edit.fields.n ?? 1), response_format });
  }

  private async answer(res: ServerResponse, body: Record<string, any>): Promise<void> {
    if (!this.models.includes(body.model))
      return this.error(res, 404, 'model_not_found', `The model '${body.model}' does not exist`);
    if (typeof body.prompt !== 'string' || body.prompt === '')
      return this.error(res, 400, null, "Missing required parameter: 'prompt'.");
    if (body.size !== undefined && !/^\d+x\d+$/.test(body.size)) {
      return this.error(
        res,
        400,
        'invalid_value',
        `Invalid value: '${body.size}'. Sizes look like '1024x1024'.`,
      );
    }
    if (body.response_format !== undefined && !['url', 'b64_json'].includes(body.response_format)) {
      return this.error(res, 400, 'invalid_value', `Invalid value: '${body.response_format}'.`);
    }
    if (body.prompt.includes(this.moderationWord)) {
      return this.error(
        res,
        400,
        'content_policy_violation',
        'Your request was rejected as a result of our safety system.',
        'image_generation_user_error',
      );
    }
    const format = body.response_format ?? this.defaultFormat;
    const png = (await testMedia()).png;
    const answer = this.stampPrompts ? withText(png, 'prompt', body.prompt) : png;
    const item =
      format === 'url' ? { url: this.server.mediaUrl('png') } : { b64_json: answer.toString('base64') };
    json(res, 200, { created: Math.floor(Date.now() / 1000), data: [item] });
  }
}
