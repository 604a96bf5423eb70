import { inspect } from 'node:util';

/**
 * An API key or token. It prints, logs and serialises as "[redacted]"; only `reveal()` gives the value,
 * and only the code that puts it on the wire calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
