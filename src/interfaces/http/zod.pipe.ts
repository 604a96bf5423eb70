import { type PipeTransform } from '@nestjs/common';
import { type ZodError, type ZodType } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export function zodIssues(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
}

/** Validates and converts one request part; a failure is a 400 naming every bad field. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  /** Public: the OpenAPI document is generated from the schemas the pipes validate with. */
  constructor(readonly schema: ZodType<T>) {}

  transform(value: unknown): T {
    return this.schema.parse(value ?? {});
  }
}
