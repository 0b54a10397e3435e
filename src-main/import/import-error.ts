import { ValidationError } from '../../src-shared/validation';

/** A file that cannot be imported; the message says which file (and line or entry) and what to change. */
export class ImportError extends ValidationError {
  constructor(message: string) {
    super(message, []);
    this.name = 'ImportError';
  }
}
