import { API_METHODS, apiArgs, type ApiEnvelope, type ApiMethod, type RetainLabApi } from '../../src-shared/api';
import { describeIssues, NotFoundError, ValidationError } from '../../src-shared/validation';

/** Calls one API method after checking the channel is allow-listed and the arguments match the contract; never throws. */
export async function dispatch(api: RetainLabApi, method: string, args: unknown): Promise<ApiEnvelope> {
  try {
    if (!(API_METHODS as readonly string[]).includes(method))
      throw new NotFoundError(`Unknown API method '${method}'`, [`method: '${method}' is not part of the API`]);
    const parsed = apiArgs[method as ApiMethod].safeParse(args);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error, 'args');
      throw new ValidationError(`Bad arguments for ${method}: ${issues.join('; ')}`, issues);
    }
    const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, result: await fn.apply(api, parsed.data as unknown[]) };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: { name: e.name, message: e.message, ...(err instanceof ValidationError ? { issues: err.issues } : {}) } };
  }
}
