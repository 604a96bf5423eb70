import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { json, type RecordedRequest } from './fake-server.js';

/** What the model "says" to one chat request. */
export interface ChatScript {
  content?: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Fails the stream after the first content chunk with this error event (DashScope mid-stream inspection). */
  midStreamError?: Record<string, unknown>;
}

export type ChatReplier = (req: RecordedRequest) => ChatScript;

/** Programmable replies: a queue first, then the default. */
export class ChatReplies {
  readonly queue: ChatScript[] = [];
  fallback: ChatReplier = () => ({ content: '{"ok": true, "reasons": []}' });

  next(req: RecordedRequest): ChatScript {
    return this.queue.shift() ?? this.fallback(req);
  }
}

/** All text of the messages (content strings and text parts). */
export function messagesText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return messages
    .flatMap((m) =>
      typeof m.content === 'string'
        ? [m.content]
        : Array.isArray(m.content)
          ? m.content.filter((p: any) => p?.type === 'text').map((p: any) => String(p.text))
          : [],
    )
    .join('\n');
}

export function imageParts(body: any): string[] {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? m.content.filter((p: any) => p?.type === 'image_url').map((p: any) => String(p.image_url?.url ?? ''))
      : [],
  );
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Answers a chat completion as OpenAI-compatible servers do: a JSON object, or SSE chunks when `stream`. */
export function answerChat(
  req: RecordedRequest,
  res: ServerResponse,
  reply: ChatScript,
  extra: Record<string, unknown> = {},
): void {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = req.body.model;
  const content = reply.content ?? '';
  const finish = reply.finishReason ?? 'stop';
  const usage = {
    prompt_tokens: tokens(messagesText(req.body)),
    completion_tokens: tokens(content),
    total_tokens: tokens(messagesText(req.body)) + tokens(content),
  };
  if (!req.body.stream) {
    json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
      usage,
      ...extra,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason }],
    ...extra,
  });
  send(chunk({ role: 'assistant', content: '' }, null));
  const size = Math.max(1, Math.ceil(content.length / 3));
  for (let at = 0; at < content.length; at += size) {
    send(chunk({ content: content.slice(at, at + size) }, null));
    if (reply.midStreamError) {
      send({ ...reply.midStreamError, id, ...extra });
      res.end();
      return;
    }
  }
  send(chunk({}, finish));
  if (req.body.stream_options?.include_usage) send({ ...chunk({}, null), choices: [], usage });
  res.write('data: [DONE]\n\n');
  res.end();
}
