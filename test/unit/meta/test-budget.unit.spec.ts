import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const LIMIT_MS = 120_000;

const specFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? specFiles(join(dir, entry.name))
      : entry.name.endsWith('.spec.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/**
 * No test may allow itself more than two minutes: a slow test hides a slow product, and a few of them
 * would eat CI's budget. The timeout a test or hook passes is its last argument, `}, 120_000)`.
 */
describe('the test suites', () => {
  it(`give no test or hook more than ${LIMIT_MS / 1000} s`, () => {
    const over: string[] = [];
    for (const file of specFiles(join(root, 'test'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const match = /^\s*\}, ([\d_]+)\);\s*$/.exec(line);
        if (match && Number(match[1]!.replaceAll('_', '')) > LIMIT_MS) {
          over.push(`${relative(root, file)}:${i + 1} ${line.trim()}`);
        }
      });
    }
    expect(over).toEqual([]);
  });
});
