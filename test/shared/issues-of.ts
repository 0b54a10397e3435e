import { ValidationError } from '../../src-shared/validation';
import { validateStudy } from '../../src-main/services/api-service';

/** The issues a study config is rejected with; fails the test when it is accepted. */
export function issuesOf(config: unknown): string[] {
  try {
    validateStudy(config);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}
