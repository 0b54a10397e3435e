import type { ApiErrorPayload } from '../../../src-shared/api';

/** An error from the host (or from reaching it), with the per-field issues views list under the message. */
export class ApiError extends Error {
  /** The host-side error class, e.g. "ValidationError"; "TransportError" when the host was not reached. */
  readonly kind: string;
  /** One line per offending field; empty when the error is not about input. */
  readonly issues: string[];

  constructor(payload: ApiErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
    this.kind = payload.name;
    this.issues = payload.issues ?? [];
  }
}

/** Any thrown value as an ApiError, so views have one shape to display. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({ name: 'TransportError', message });
}
