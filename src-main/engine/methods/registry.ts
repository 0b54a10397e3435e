import type * as tfType from '@tensorflow/tfjs-core';
import type { MethodInfo } from '../../../src-shared/api';
import { z } from 'zod';
import type { MethodChoice, MethodComponent } from '../../../src-shared/config';
import { slotConflict } from '../../../src-shared/method-combination';
import type { ParamsJsonSchema } from '../../../src-shared/params';
import { describeIssues, parseOrThrow, ValidationError } from '../../../src-shared/validation';
import { composeHooks } from './compose';
import { ewc } from './ewc';
import { l2sp } from './l2';
import { linearProbe } from './linear-probe';
import { lora } from './lora';
import { lwf } from './lwf';
import type { MethodDefinition, MethodHooks, StudyContext } from './method';
import { mixcd } from './mixcd';
import { recadam } from './recadam';
import { rehearsal } from './rehearsal';
import { vanilla } from './vanilla';
import { wiseft } from './wiseft';

/** Every method the workbench offers; adding a method file here enrols it everywhere (wizard, CLI, contract test). */
export const METHODS: MethodDefinition[] = [vanilla, wiseft, rehearsal, mixcd, linearProbe, l2sp, ewc, lwf, recadam, lora];

/** Looks a method up by id, or throws an error listing the known ids. */
export function getMethod(id: string): MethodDefinition {
  const method = METHODS.find((m) => m.id === id);
  if (!method) throw new ValidationError(`Unknown method '${id}'. Known methods: ${METHODS.map((m) => m.id).join(', ')}`, [`method: unknown id '${id}'`]);
  return method;
}

/** Issues of one component (unknown id, bad parameters), with `where` as the field path; its parsed params when fine. */
function checkComponent(c: MethodComponent, where: string): { issues: string[]; params: Record<string, unknown> | null } {
  // A component that is no object (a null partner in `with`) has no id: reported as an unknown method, not a TypeError.
  const method = METHODS.find((m) => m.id === c?.id);
  if (!method) return { issues: [`${where}.id: unknown method '${c?.id}' (known: ${METHODS.map((m) => m.id).join(', ')})`], params: null };
  const parsed = method.params.safeParse(c.params ?? {});
  return parsed.success ? { issues: [], params: parsed.data } : { issues: describeIssues(parsed.error, `${where}.params`), params: null };
}

/**
 * Validates a (possibly combined) method choice on the host, before anything is stored: every id known,
 * every parameter valid by its method's schema, no two components claiming the same exclusive hook, and
 * each method's own checks against the study and its partners. Returns it with defaults filled in: the
 * form stored in the run config.
 */
export function parseMethodChoice(choice: MethodChoice, where: string, study: StudyContext): MethodChoice {
  const parts = [{ c: choice, where }, ...(choice.with ?? []).map((c, j) => ({ c, where: `${where}.with.${j}` }))];
  const checked = parts.map((p) => checkComponent(p.c, p.where));
  const issues = checked.flatMap((c) => c.issues);
  if (!issues.length) {
    const conflict = slotConflict(parts.map((p) => getMethod(p.c.id)));
    if (conflict) issues.push(`${where}: ${conflict}`);
    const ids = parts.map((p) => p.c.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) issues.push(`${where}: '${twice}' appears twice`);
    const definitions = parts.map((p) => getMethod(p.c.id));
    definitions.forEach((d, i) => {
      const partners = definitions.filter((_, j) => j !== i);
      for (const problem of d.validate?.(checked[i].params!, { ...study, partners }) ?? []) issues.push(`${parts[i].where}.params: ${problem}`);
    });
  }
  if (issues.length) throw new ValidationError(`Invalid method ${where}:\n  ${issues.join('\n  ')}`, issues);
  return storedMethod({ id: choice.id, params: checked[0].params!, with: (choice.with ?? []).map((c, j) => ({ id: c.id, params: checked[j + 1].params! })) });
}

/** A valid method choice as a run stores it: each component without the parameters that do not apply with its values. */
export function storedMethod(choice: MethodChoice): MethodChoice {
  return {
    id: choice.id,
    params: applicableParams(getMethod(choice.id), choice.params),
    with: choice.with.map((c) => ({ id: c.id, params: applicableParams(getMethod(c.id), c.params) })),
  };
}

/** The parameters that matter with these values: one whose `appliesWhen` does not hold is left out (createMethod fills its default back in). */
function applicableParams(method: MethodDefinition, params: Record<string, unknown>): Record<string, unknown> {
  const { properties } = paramsJsonSchema(method);
  return Object.fromEntries(
    Object.entries(params).filter(([key]) =>
      Object.entries(properties[key]?.appliesWhen ?? {}).every(([other, value]) => [value].flat().some((v) => v === params[other])),
    ),
  );
}

/** The components of a method choice, primary first. */
function components(choice: MethodChoice): MethodComponent[] {
  return [{ id: choice.id, params: choice.params }, ...(choice.with ?? [])];
}

/** A readable name of a possibly combined method, e.g. "LoRA + Random rehearsal". */
export function methodLabel(choice: Pick<MethodChoice, 'id'> & Partial<MethodChoice>): string {
  return components({ params: {}, with: [], ...choice })
    .map((c) => METHODS.find((m) => m.id === c.id)?.label ?? c.id)
    .join(' + ');
}

/** methodLabel with each component's telling setting, e.g. "LoRA (full rank) + Random rehearsal", "mix-cd rehearsal (oracle)": for lists where such runs sit side by side. */
export function methodSettingLabel(choice: Pick<MethodChoice, 'id'> & Partial<MethodChoice>): string {
  return components({ params: {}, with: [], ...choice })
    .map((c) => {
      const method = METHODS.find((m) => m.id === c.id);
      if (!method) return c.id;
      const parsed = method.params.safeParse(c.params ?? {});
      const setting = parsed.success ? method.setting?.(parsed.data) : null;
      return setting ? `${method.label} (${setting})` : method.label;
    })
    .join(' + ');
}

/**
 * Instantiates the hooks of a method choice the host validated (parseMethodChoice) and stored: each
 * component's stored parameters are parsed once by its schema (stored JSON → typed, defaults of keys added
 * since). The slot check is kept because composeHooks relies on it; the study-dependent checks need the
 * host's view of the study and were done there.
 */
export function createMethod(choice: MethodChoice, tf: typeof tfType): MethodHooks {
  const parts = components(choice).map((c, i) => ({
    definition: getMethod(c.id),
    params: c.params,
    where: i ? `method.with.${i - 1}.params` : 'method.params',
  }));
  const conflict = slotConflict(parts.map((p) => p.definition));
  if (conflict) throw new ValidationError(`Invalid method: ${conflict}`, [`method: ${conflict}`]);
  return composeHooks(
    parts.map(({ definition, params, where }) => ({
      definition,
      hooks: definition.create({ tf, params: parseOrThrow(definition.params, params ?? {}, `${definition.id} parameters`, where) }),
    })),
    tf,
  );
}

/** The JSON Schema of a method's parameters, input side (every key optional, with its default), with each field's label and help. */
export function paramsJsonSchema(definition: MethodDefinition): ParamsJsonSchema {
  const { $schema: _, ...schema } = z.toJSONSchema(definition.params, { io: 'input' });
  // The method schemas are strict objects of numbers, integers, booleans, enums and number lists: the shape ParamsJsonSchema spells out.
  return schema as ParamsJsonSchema;
}

/** The metadata of every method, for the wizard and `retainlab methods`. */
export function methodCatalog(): MethodInfo[] {
  return METHODS.map((m) => ({
    id: m.id,
    label: m.label,
    summary: m.summary,
    reference: m.reference,
    style: m.style,
    params: paramsJsonSchema(m),
    slots: m.slots,
    postHoc: m.postHoc ?? false,
    baseline: m.baseline ?? false,
  }));
}
