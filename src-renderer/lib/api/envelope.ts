import { ApiError } from './api-error';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Returns the result of an envelope or throws its error as an ApiError; rejects anything else. */
export function unwrapEnvelope(value: unknown): unknown {
  if (isRecord(value) && value.ok === true) return value.result;
  if (isRecord(value) && value.ok === false && isRecord(value.error)) {
    const error = value.error;
    const issues = Array.isArray(error.issues) ? error.issues.map(String) : undefined;
    throw new ApiError({ name: String(error.name ?? 'Error'), message: String(error.message ?? 'Unknown error'), issues });
  }
  throw new ApiError({ name: 'TransportError', message: 'The host answered with something that is not an API envelope.' });
}
