import type { ApiEnvelope } from '../../src-shared/api';

// The HTTP status of each host-side error class (src-shared/validation.ts, import/import-error.ts,
// and the server's own refusals); anything else is a failure of the server itself.
const STATUS: Record<string, number> = {
  ValidationError: 400,
  ImportError: 400,
  AuthError: 401,
  SecurityError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  TooLargeError: 413,
};

/** The HTTP status an API envelope is sent with: 200 for a result, the error class's status otherwise (500 when unknown). */
export function envelopeStatus(envelope: ApiEnvelope): number {
  return envelope.ok ? 200 : (STATUS[envelope.error.name] ?? 500);
}
