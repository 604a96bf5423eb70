/**
 * The API signs media links afresh on every read (a new expiry), so the same file comes back under a
 * new URL each time a view refreshes. Keeping the first URL of each file means a refresh does not make
 * an <img> or <video> load the file again (and abort what it was loading).
 */
const kept = new Map<string, string>();

export function stableLink(url: string | null): string | null {
  if (!url) return url;
  const file = url.split('?')[0]!;
  const first = kept.get(file);
  if (first) return first;
  kept.set(file, url);
  return url;
}
