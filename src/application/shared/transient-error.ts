/**
 * A failure of the infrastructure rather than of the work: a consumer retries it for as long as it takes
 * and never parks an event because of it. Code that knows its failure is of this kind (a job bus that
 * cannot publish) says so by throwing one; `isTransient` also recognises the usual network and database
 * errors underneath.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export const transient = (what: string, cause: unknown): TransientError =>
  new TransientError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// PostgreSQL: connection exceptions, operator intervention (shutdown), insufficient resources,
// serialization failures, deadlocks, lock timeouts.
const POSTGRES = /^(08...|57P0[1-3]|53...|40001|40P01|55P03)$/;
const MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Connection is closed|PGlite is closed/i;

export function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TransientError) return true;
    const { code, name, retriable, message } = e as {
      code?: unknown;
      name?: unknown;
      retriable?: unknown;
      message?: unknown;
    };
    if (typeof code === 'string' && (NETWORK.has(code) || POSTGRES.test(code))) return true;
    if (typeof name === 'string' && name.startsWith('KafkaJS') && retriable === true) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
  }
  return false;
}
