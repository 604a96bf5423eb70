import type { Script, ScriptRequest } from '../../domain/script/script.schema.js';
import type { Usage } from './ai-providers.port.js';

export interface ScriptWriterResult {
  script: Script;
  provider: string;
  model: string;
  attempts: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface ScriptWriterOptions {
  signal?: AbortSignal;
  /** Called after every paid model call, failed attempts included (pass the job's ctx.recordUsage). */
  recordUsage?(usage: Usage): void;
}

/**
 * Writes a structured drama script. `kind` lets the caller label the result honestly: a template writer
 * is never presented as AI.
 */
export interface ScriptWriter {
  readonly provider: string;
  readonly model: string;
  readonly kind: 'template' | 'llm';
  write(request: ScriptRequest, options?: ScriptWriterOptions): Promise<ScriptWriterResult>;
}

export const SCRIPT_WRITER = Symbol('ScriptWriter');
