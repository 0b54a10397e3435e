// A study suite: several studies run one after another as one piece of work (e.g. one question asked on several
// shifts), each stored as the study it is.
import { z } from 'zod';
import { describeIssues } from './validation';

/** The most studies a suite holds. */
export const SUITE_MAX_STUDIES = 20;

/** A suite file: a name, what it asks, and its studies (each checked as a study where it is launched). */
export const studySuiteSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(4000).optional(),
  studies: z.array(z.unknown()).min(1, 'a suite needs at least one study').max(SUITE_MAX_STUDIES),
});

/** A validated suite. */
export type StudySuite = z.infer<typeof studySuiteSchema>;

/** Whether a config file holds a suite (an object with `studies`) rather than one study or run configs. */
export function isSuite(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'studies' in value;
}

/** The suite in a config file; the error names every bad field. */
export function parseSuite(value: unknown): StudySuite {
  const parsed = studySuiteSchema.safeParse(value);
  if (!parsed.success) throw new Error(`not a study suite: ${describeIssues(parsed.error).join('; ')}`);
  return parsed.data;
}
