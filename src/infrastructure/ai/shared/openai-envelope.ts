import { isObject, type ErrorEnvelope, type HttpReply } from './provider-http.js';

/**
 * OpenAI-style error bodies: `{"error":{"message","type","code"}}`, vLLM's flat `{"error":"Unauthorized"}`,
 * or whatever a proxy put there.
 */
export function parseOpenAiEnvelope(reply: HttpReply): ErrorEnvelope {
  const error = isObject(reply.json) ? reply.json.error : undefined;
  if (typeof error === 'string') return { message: error };
  if (isObject(error)) {
    const code =
      typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined;
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return { message, code };
  }
  return { message: reply.text.slice(0, 300) || `HTTP ${reply.status} without a body` };
}
