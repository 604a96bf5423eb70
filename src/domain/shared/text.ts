/**
 * Text neither PostgreSQL nor JSON can store: NUL (text and jsonb refuse it) and unpaired UTF-16
 * surrogates (not Unicode; jsonb refuses their escapes). Input carrying them is refused, never stored.
 */
export const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this must find
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first string (object keys included) in a JSON-like value that cannot be stored, by its path. */
export function findUnstorableText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE_TEXT.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE_TEXT.test(key)) return at;
    const found = findUnstorableText(item, at, depth + 1);
    if (found) return found;
  }
  return null;
}
