// No tfjs here: method files read their saved state with these, and the host loads method files without tfjs.
import type { MethodState, StateValue } from '../methods/method';

type Kind = 'number' | 'Int32Array' | 'Uint8Array' | 'Float64Array' | 'object';
type Of<K extends Kind> = K extends 'number'
  ? number
  : K extends 'Int32Array'
    ? Int32Array
    : K extends 'Uint8Array'
      ? Uint8Array
      : K extends 'Float64Array'
        ? Float64Array
        : MethodState;

const is: Record<Kind, (v: StateValue | undefined) => boolean> = {
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  Int32Array: (v) => v instanceof Int32Array,
  Uint8Array: (v) => v instanceof Uint8Array,
  Float64Array: (v) => v instanceof Float64Array,
  object: (v) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v),
};

/** One field of a saved method state, checked to be of its kind (and length, for arrays); else an error naming the method and the field. */
export function stateField<K extends Kind>(state: MethodState, owner: string, key: string, kind: K, length?: number): Of<K> {
  const value = state[key];
  if (!is[kind](value)) throw new Error(`resume point does not fit this job: the saved ${owner} state has no ${kind} ${key}`);
  const size = ArrayBuffer.isView(value) ? (value as Int32Array).length : undefined;
  if (length !== undefined && size !== length)
    throw new Error(`resume point does not fit this job: the saved ${owner} ${key} has ${size} entries, this job has ${length}`);
  return value as Of<K>;
}
