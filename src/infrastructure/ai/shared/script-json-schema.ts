import { z } from 'zod';
import { scriptSchema } from '../../../domain/script/script.schema.js';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strict structured output wants every property listed as required: optional ones become nullable. */
function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (!isJson(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || (key === 'maximum' && value === Number.MAX_SAFE_INTEGER)) continue;
    out[key] = strictify(value);
  }
  if (out.type === 'object' && isJson(out.properties)) {
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    const properties: Json = {};
    for (const [name, schema] of Object.entries(out.properties)) {
      properties[name] =
        required.has(name) || !isJson(schema)
          ? schema
          : {
              ...schema,
              type: [schema.type, 'null'],
              ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}),
            };
    }
    out.properties = properties;
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

let cached: Json | undefined;

/** The Script schema as strict JSON Schema, for response_format json_schema (also Ollama's `format`). */
export function scriptJsonSchema(): Json {
  cached ??= strictify(z.toJSONSchema(scriptSchema, { io: 'output' })) as Json;
  return cached;
}
