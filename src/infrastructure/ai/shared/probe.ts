import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

/** Times a probe; `check` returns the detail on success and throws on failure. */
export async function timedProbe(check: () => Promise<string>): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const detail = await check();
    return { ok: true, latency_ms: elapsed(started), detail };
  } catch (error) {
    return { ok: false, latency_ms: elapsed(started), detail: (error as Error).message };
  }
}
