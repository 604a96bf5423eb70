import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgliteDatabase } from '../../src/infrastructure/database/pglite.database.js';

// One initialised PGlite cluster per test run, made by the global setup, that test databases start from
// instead of each running initdb: ~1.5 s of CPU each on a quiet machine (7 s of wall time on a loaded
// one), against 0.2 s for a copy of the template. Only initdb is skipped: every app still runs its
// migrations on the copy. Suites that start processes of their own on a fresh DATA_DIR (crash-resume,
// process profiles) still run initdb.
// The global setup makes it (K3S_PGLITE_TEMPLATE: `data/` and its dump `data.tar`); without one, these
// helpers fall back to initdb.

/** An empty PGlite folder for an app's DATA_DIR: a copy of the template when there is one. */
export function seedPgliteDir(target: string): void {
  const template = process.env.K3S_PGLITE_TEMPLATE;
  if (!template || existsSync(target)) return;
  cpSync(join(template, 'data'), target, { recursive: true });
}

let dump: Blob | undefined;
/** An in-memory database started from the template's dump (read once per test file), or by initdb. */
export function openTemplatePglite(): Promise<PgliteDatabase> {
  const template = process.env.K3S_PGLITE_TEMPLATE;
  if (template) dump ??= new Blob([readFileSync(join(template, 'data.tar'))]);
  return PgliteDatabase.open(undefined, { loadDataDir: dump });
}
