import type { z } from 'zod';

/** A bad input: the message names each offending field and what is wrong with it. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** A request naming something that does not exist (an API method, a run, a dataset). */
export class NotFoundError extends ValidationError {
  constructor(message: string, issues: string[] = []) {
    super(message, issues);
    this.name = 'NotFoundError';
  }
}

/** A request the current state refuses (deleting what is in use, retrying a running run); it may succeed once the state changes. */
export class ConflictError extends ValidationError {
  constructor(message: string, issues: string[] = []) {
    super(message, issues);
    this.name = 'ConflictError';
  }
}

/** An input over a size limit; the message names the limit. */
export class TooLargeError extends ValidationError {
  constructor(message: string, issues: string[] = []) {
    super(message, issues);
    this.name = 'TooLargeError';
  }
}

/** Formats zod issues as "field.path: what is wrong" lines. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(config)'}: ${issue.message}`;
  });
}

/** Parses with a schema or throws a ValidationError listing every problem. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, prefix = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error, prefix);
  throw new ValidationError(`Invalid ${what}:\n  ${issues.join('\n  ')}`, issues);
}
