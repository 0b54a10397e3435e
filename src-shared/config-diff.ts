/** One config value that is not the same in every compared run. */
export interface ConfigDifference {
  path: string;
  /** The value in each run (strings bare, anything else as JSON), in the order of the runs. */
  values: string[];
}

/**
 * A config as dotted paths → display values (strings bare, anything else as JSON). Arrays stay
 * whole (class lists, α grids): a difference in one element is a difference of the list.
 */
export function flattenConfig(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flattenConfig(child, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return into;
}

/** The dotted config paths whose values differ between the runs (absent counts as a value). */
export function configDifferences(configs: unknown[]): ConfigDifference[] {
  const flat = configs.map((c) => flattenConfig(c));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  return paths.map((path) => ({ path, values: flat.map((f) => f.get(path) ?? '(absent)') })).filter((d) => new Set(d.values).size > 1);
}
