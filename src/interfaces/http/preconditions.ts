import type { Response } from 'express';
import { invalid } from '../../domain/shared/domain-error.js';

/** `If-Match: "3"` (or W/"3", or 3) → 3; absent → undefined; anything else → 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) {
    throw invalid('REQUEST.INVALID_IF_MATCH', 'If-Match: must be the ETag of the resource, e.g. "3"', {
      field: 'If-Match',
    });
  }
  return Number(match[1]);
}

export const setEtag = (res: Response, version: number) => res.setHeader('ETag', `"${version}"`);
