import { getContext, setContext } from 'svelte';

/** Told by an input why its text is no valid value, or null once it is: the wizard holds Next and Launch while any input is invalid. */
export type FieldReporter = (field: string, problem: string | null) => void;

const KEY = Symbol('field-reporter');

/** Makes `report` hear every number input below the calling component (the wizard's steps). */
export function provideFieldReporter(report: FieldReporter): void {
  setContext(KEY, report);
}

/** The reporter of the enclosing wizard; undefined outside one. Call it while a component initialises. */
export function fieldReporter(): FieldReporter | undefined {
  return getContext<FieldReporter | undefined>(KEY);
}
