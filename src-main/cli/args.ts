/** Parsed command line: positional words and --flags (a flag without a value is true). */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value (so `--port 8080` keeps 8080 out of the positionals). */
const VALUED = new Set(['data-dir', 'port', 'backend', 'out', 'memory-probe', 'steps', 'runs', 'figure', 'format', 'width', 'height', 'font', 'font-size', 'dpi', 'param', 'table', 'bundle', 'name', 'label-column', 'text-column', 'table-kind', 'image-size', 'colour', 'eval-fraction', 'split-seed']);

/** Parses `cmd sub --flag value --bool --key=value` style arguments. */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (inline !== undefined) flags.set(key, inline);
    else if (VALUED.has(key)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${key} needs a value`);
      flags.set(key, value);
    } else flags.set(key, true);
  }
  return { positional, flags };
}
