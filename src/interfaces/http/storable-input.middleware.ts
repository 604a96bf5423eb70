import type { NextFunction, Request, Response } from 'express';
import { findUnstorableText, UNSTORABLE_TEXT } from '../../domain/shared/text.js';

const MESSAGE = 'must not contain NUL characters or unpaired surrogates (text that cannot be stored)';

const refuse = (res: Response, field: string, message = MESSAGE) =>
  res.status(400).json({
    code: 400,
    message: `invalid request: ${field}: ${message}`,
    data: { error: 'REQUEST.INVALID', errors: [{ field, message }] },
  });

/**
 * Refuses, before any handler or database call, input that PostgreSQL or JSON cannot store: a NUL or an
 * unpaired surrogate anywhere in the path, the query string or the JSON body (keys included). The field is
 * named as the API names it (`title`, `scenes.0.text`, `as_of`, `path`). Mounted after the body parser.
 */
export function storableInputMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const [rawPath = '', rawQuery] = (req.originalUrl ?? req.url ?? '').split('?', 2) as [string, string?];
    for (const segment of rawPath.split('/')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return void refuse(res, 'path', 'malformed percent-encoding');
      }
      if (UNSTORABLE_TEXT.test(decoded)) return void refuse(res, 'path');
    }
    if (rawQuery !== undefined) {
      for (const pair of rawQuery.split('&')) {
        const [name = '', value = ''] = pair.split('=', 2) as [string, string?];
        let key: string;
        let text: string;
        try {
          key = decodeURIComponent(name.replace(/\+/g, ' '));
          text = decodeURIComponent(value.replace(/\+/g, ' '));
        } catch {
          return void refuse(res, name || 'query', 'malformed percent-encoding');
        }
        if (UNSTORABLE_TEXT.test(key) || UNSTORABLE_TEXT.test(text)) return void refuse(res, key || 'query');
      }
    }
    const field = findUnstorableText(req.body, '');
    if (field !== null) return void refuse(res, field || '(body)');
    next();
  };
}
