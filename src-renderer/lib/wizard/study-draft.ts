import { isSuite } from '../../../src-shared/study-suite';
import type { Catalog } from '../../../src-shared/api';
import { studyConfigSchema, type StudyConfig } from '../../../src-shared/config';
import { defaultParams, paramSpecs, type ParamsJsonSchema } from '../../../src-shared/params';
import type { SWEPT_BUDGET_FIELDS } from '../../../src-shared/study-grid';
import { describeIssues } from '../../../src-shared/validation';
import type { SweepDraft } from './sweep-field';

/** Parameters of one method in the wizard, each fixed or swept. */
export type ParamDrafts = Record<string, SweepDraft>;

/** One method entry being composed: a method, its parameters and the methods combined with it in the same run. */
export interface MethodDraft {
  id: string;
  params: ParamDrafts;
  with: { id: string; params: ParamDrafts }[];
}

type Budget = StudyConfig['budget'];
type SweptBudget = (typeof SWEPT_BUDGET_FIELDS)[number];
type Data = StudyConfig['data'];
type DigitsData = Extract<Data, { source: 'mnist-digits' }>;

/** Everything of a study but its methods, as the wizard's steps edit it: a swept budget or data field may also hold a range, kept as written. */
export type StudyDraft = Omit<StudyConfig, 'methods' | 'budget' | 'data'> & {
  budget: Omit<Budget, SweptBudget> & Record<SweptBudget, SweepDraft>;
  data: Exclude<Data, DigitsData> | (Omit<DigitsData, 'useFraction'> & { useFraction: SweepDraft });
};

/** What the wizard holds of a study: the other fields, the checked methods, and every method's entries in launch order. */
export interface WizardContent {
  draft: StudyDraft;
  chosen: string[];
  /**
   * The study's entries in the order of its file (the order sets each sweep's id `methods.<i>` and its sample's seed),
   * then one default entry of each method it leaves out, kept while unchecked so rechecking keeps edits.
   */
  entries: MethodDraft[];
}

/** A fresh entry of a method: its defaults, under the parameters the catalog's default study gives it. */
export function defaultEntry(catalog: Catalog, id: string): MethodDraft {
  const method = catalog.methods.find((m) => m.id === id);
  if (!method) throw new Error(`unknown method '${id}'`);
  const preset = catalog.defaultStudy.methods.find((m) => m.id === id)?.params as ParamDrafts | undefined;
  return { id, params: { ...defaultParams(method.params), ...structuredClone(preset) }, with: [] };
}

/** The parameters a combined method starts with. */
export function partnerParams(catalog: Catalog, id: string): ParamDrafts {
  return defaultEntry(catalog, id).params;
}

/** The wizard's content for a study: its method entries in the file's order, their parameters over the defaults. */
export function studyToWizard(study: StudyConfig, catalog: Catalog): WizardContent {
  const { methods, ...rest } = structuredClone(study);
  const own = methods.flatMap((x) => {
    const schema = methodSchema(catalog, x.id);
    if (!schema) return [];
    return [
      {
        id: x.id,
        params: { ...defaultParams(schema), ...draftParams(x.params, schema) },
        with: x.with.map((w) => ({ id: w.id, params: { ...partnerParams(catalog, w.id), ...draftParams(w.params, methodSchema(catalog, w.id)) } })),
      },
    ];
  });
  const chosen = [...new Set(own.map((x) => x.id))];
  const unchosen = catalog.methods.filter((m) => !chosen.includes(m.id)).map((m) => defaultEntry(catalog, m.id));
  return { draft: rest, chosen, entries: [...own, ...unchosen] };
}

const methodSchema = (catalog: Catalog, id: string) => catalog.methods.find((m) => m.id === id)?.params;

// A study file may sweep a parameter by listing its values (`"rank": [1, 4, 16]`); the wizard's fields hold every sweep as `{values}` or a range.
function draftParams(params: Record<string, unknown>, schema: ParamsJsonSchema | undefined): ParamDrafts {
  const specs = schema ? paramSpecs(schema) : [];
  const listValued = new Set(specs.filter((s) => s.type === 'number-list').map((s) => s.key));
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) && !listValued.has(k) ? { values: v } : v])) as ParamDrafts;
}

/** The methods of the study the wizard would launch: the checked methods' entries, in the order of the file and of adding. */
export function wizardMethods(chosen: readonly string[], entries: readonly MethodDraft[]): MethodDraft[] {
  return entries.filter((e) => chosen.includes(e.id));
}

/** The entries of one method, in launch order: a card's entry `index` is the `index`-th of these. */
export function entriesOf(entries: readonly MethodDraft[], id: string): MethodDraft[] {
  return entries.filter((e) => e.id === id);
}

/** The entries with one method's moved last: a method checked in the wizard launches after those already chosen, as an added entry does. */
export function movedLast(entries: readonly MethodDraft[], id: string): MethodDraft[] {
  return [...entries.filter((e) => e.id !== id), ...entriesOf(entries, id)];
}

/** The entries without entry `index` of method `id`, the others in their order. */
export function withoutEntry(entries: readonly MethodDraft[], id: string, index: number): MethodDraft[] {
  const gone = entriesOf(entries, id)[index];
  return entries.filter((e) => e !== gone);
}

/**
 * A study file's config, checked as far as the renderer can (the study schema and the method ids; method
 * parameters are checked by the host on the Review step), or its problems, each naming its field.
 */
export function readStudyFile(text: string, catalog: Catalog): { study: StudyConfig } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [`the file is not JSON: ${(error as Error).message}`] };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return {
      problems: [
        `(config): a study file holds one study object ({"name", "baseModel", "methods", …}), not ${Array.isArray(json) ? 'a list (run configs of a bundle?)' : typeof json}`,
      ],
    };
  }
  if (isSuite(json)) {
    const count = Array.isArray((json as { studies: unknown }).studies) ? (json as { studies: unknown[] }).studies.length : 0;
    return {
      problems: [
        `(config): this file is a suite of ${count} studies, run one after another with \`retainlab run <file>\`; the wizard opens one study at a time`,
      ],
    };
  }
  const parsed = studyConfigSchema.safeParse(json);
  if (!parsed.success) return { problems: describeIssues(parsed.error) };
  const known = new Set(catalog.methods.map((m) => m.id));
  const unknown = (id: string, path: string) => (known.has(id) ? [] : [`${path}.id: unknown method '${id}' (known: ${[...known].join(', ')})`]);
  const problems = parsed.data.methods.flatMap((m, i) => [
    ...unknown(m.id, `methods.${i}`),
    ...m.with.flatMap((w, j) => unknown(w.id, `methods.${i}.with.${j}`)),
  ]);
  return problems.length ? { problems } : { study: parsed.data };
}

/** A file name for a study saved as JSON: its name in lower-case words joined by dashes. */
export function studyFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'study'}.json`;
}
