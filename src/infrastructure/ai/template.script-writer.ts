import type { ScriptWriter, ScriptWriterResult } from '../../application/ports/script-writer.port.js';
import type { ScriptRequest } from '../../domain/script/script.schema.js';
import { writeTemplateScript } from '../../domain/script/template-script.js';

/** The offline writer: deterministic, instant, no network; its output is labelled "template". */
export class TemplateScriptWriter implements ScriptWriter {
  readonly provider = 'template';
  readonly model = 'template-v1';
  readonly kind = 'template' as const;

  async write(request: ScriptRequest, options: { signal?: AbortSignal } = {}): Promise<ScriptWriterResult> {
    options.signal?.throwIfAborted();
    return { script: writeTemplateScript(request), provider: this.provider, model: this.model, attempts: 1 };
  }
}
