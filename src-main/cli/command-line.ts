import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import { dataDirFrom } from '../data-dir';
import type { CommonOptions } from './commands';
import type { RunHostOptions } from '../services/run-host';

/** One option a subcommand takes: its type, an optional one-letter alias, how its value reads in the help, and one line of help. */
export interface OptionSpec extends ParseArgsOptionDescriptor {
  type: 'string' | 'boolean';
  multiple?: false;
  /** The value in the help, e.g. `N` or `FILE` (string options). */
  placeholder?: string;
  help: string;
}

type OptionSpecs = Record<string, OptionSpec>;

/** Parsed values of declared options: a string option's text, `true` for a boolean given; absent when not given. */
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

/** A subcommand as typed (e.g. `datasets import`) with everything it accepts: the one source of its parsing and its help. */
export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  /** Positional arguments in order: `<x>` is required, `[x]` optional; none are taken when absent. */
  positionals?: readonly string[];
  summary: string;
  options: O;
}

/** Options every subcommand takes. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string', placeholder: 'DIR', help: "the store's folder (else RETAINLAB_DATA_DIR, else the app's user-data folder)" },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies OptionSpecs;

/** `--json`, which commands that print a result share. */
export const JSON_OPTION = { type: 'boolean', help: 'print the result as JSON on stdout' } as const satisfies OptionSpec;

/** A subcommand's parsed command line. */
export interface ParsedCommand<O extends OptionSpecs> {
  positionals: string[];
  values: OptionValues<O & typeof COMMON_OPTIONS>;
}

/** A declared subcommand, ready to run on the words after its name. */
export interface Command {
  name: string;
  /** Its name and positionals, e.g. `run <config.json>`. */
  synopsis: string;
  summary: string;
  /** The full help: usage, summary and every option. */
  help: string;
  run(args: string[]): Promise<number>;
}

function optionLabel(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}`;
}

/** Help lines of declared options: each option with its value and its help, aligned. */
export function optionsHelp(options: OptionSpecs): string[] {
  const rows = Object.entries(options).map(([name, o]) => [optionLabel(name, o), o.help]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, help]) => `  ${label.padEnd(width)}${help}`);
}

function helpText(spec: CommandSpec<OptionSpecs>, synopsis: string): string {
  return [`usage: retainlab ${synopsis} [options]`, `  ${spec.summary}`, 'options:', ...optionsHelp(spec.options)].join('\n');
}

/** Edit distance, for "did you mean" on a misspelt option. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** Why strict parsing refused the arguments, named by the first offending token (found by a lenient re-parse). */
function describeRefusal(spec: CommandSpec<OptionSpecs>, args: string[], err: unknown): string {
  const names = Object.keys(spec.options);
  const valid = names.map((n) => `--${n}`).join(', ');
  const { tokens } = parseArgs({ args, options: spec.options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = Object.hasOwn(spec.options, t.name) ? spec.options[t.name] : undefined;
    if (!o) {
      const close = names
        .filter((n) => distance(n, t.name) <= 2 || (t.name.length >= 3 && n.startsWith(t.name)))
        .sort((a, b) => distance(a, t.name) - distance(b, t.name))[0];
      return `${spec.name}: unknown option ${t.rawName}${close ? ` (did you mean --${close}?)` : ''}; ${spec.name} takes ${valid}`;
    }
    if (o.type === 'boolean' && t.value !== undefined) return `${spec.name}: ${t.rawName} takes no value, got ${t.rawName}=${t.value}`;
    if (o.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      const after = t.value === undefined ? '' : `, but ${t.value} follows it (write ${t.rawName}=${t.value} for a value that starts with '-')`;
      return `${spec.name}: ${t.rawName} needs a value (${o.placeholder ?? 'VALUE'})${after}`;
    }
  }
  return `${spec.name}: ${(err as Error).message}`;
}

/** Parses a subcommand's arguments strictly: an unknown option, a missing value or a surplus positional is an error naming it. */
function parseCommand(
  spec: CommandSpec<OptionSpecs>,
  args: string[],
  help: string,
): { positionals: string[]; values: Record<string, string | boolean | undefined> } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new Error(`${describeRefusal(spec, args, err)}\n(see retainlab ${spec.name} --help)`, { cause: err });
  }
  if (parsed.values.help) return parsed;
  const declared = spec.positionals ?? [];
  if (parsed.positionals.length > declared.length) {
    const extra = parsed.positionals
      .slice(declared.length)
      .map((p) => `'${p}'`)
      .join(', ');
    throw new Error(`${spec.name} takes ${declared.length ? `only ${declared.join(' ')}, got also` : 'no arguments, got'} ${extra}\n${help}`);
  }
  const missing = declared.slice(parsed.positionals.length).filter((p) => p.startsWith('<'));
  if (missing.length) throw new Error(`${spec.name} needs ${missing.join(' ')}\n${help}`);
  return parsed;
}

/** Declares a subcommand: its options (with the common ones) are parsed strictly, and `--help` prints the help made from them. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>, run: (parsed: ParsedCommand<O>) => number | Promise<number>): Command {
  const full: CommandSpec<OptionSpecs> = { ...spec, options: { ...spec.options, ...COMMON_OPTIONS } };
  const synopsis = [spec.name, ...(spec.positionals ?? [])].join(' ');
  const help = helpText(full, synopsis);
  return {
    name: spec.name,
    synopsis,
    summary: spec.summary,
    help,
    run: async (args) => {
      const parsed = parseCommand(full, args, help);
      if (parsed.values.help) {
        process.stdout.write(`${help}\n`);
        return 0;
      }
      // The values are exactly those of the declared options, typed by their declarations.
      return run(parsed as ParsedCommand<O>);
    },
  };
}

/** The options of every command that trains runs: how its host shares the store's queue. */
export const HOST_OPTIONS = {
  parallel: {
    type: 'string',
    placeholder: 'N',
    help: 'runs trained at once, one engine process (one core) each (default: the number of cores; with --redis: runs handed to workers at once, default 16)',
  },
  'checkpoint-seconds': { type: 'string', placeholder: 'S', help: 'save a resume point of each run every S seconds of training (default 60)' },
  'lease-seconds': {
    type: 'string',
    placeholder: 'S',
    help: 'how long another process waits before it takes over the runs of this one if it dies (default 30)',
  },
  redis: { type: 'string', placeholder: 'URL', help: 'hand the runs to workers (retainlab worker) through this Redis, e.g. redis://10.0.0.5:6379' },
} as const satisfies OptionSpecs;

/** A flag's positive number (whole where `integer`), at most `max`; undefined when not given; an error naming the flag otherwise. */
export function positiveNumber(flag: string, text: string | undefined, integer: boolean, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value)))
    throw new Error(`--${flag} must be a${integer ? ' whole' : ''} number above 0 and at most ${max}, got '${text}'`);
  return value;
}

/** The run host's settings from the host options given (absent ones keep the host's defaults). */
export function hostOptions(values: OptionValues<typeof HOST_OPTIONS>): RunHostOptions {
  const parallel = positiveNumber('parallel', values.parallel, true, 256);
  const checkpoint = positiveNumber('checkpoint-seconds', values['checkpoint-seconds'], false, 86_400);
  const lease = positiveNumber('lease-seconds', values['lease-seconds'], false, 86_400);
  return {
    ...(parallel ? { parallel } : {}),
    ...(checkpoint ? { checkpointEvery: { seconds: checkpoint } } : {}),
    ...(lease ? { leaseMs: lease * 1000 } : {}),
  };
}

/** A Redis URL as ioredis takes it, checked so that a typo is said here rather than as a connection error later. */
export function redisUrl(text: string | undefined): string | null {
  if (text === undefined) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--redis must be a URL like redis://HOST:PORT, got '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--redis must start with redis:// or rediss://, got '${text}'`);
  return text;
}

/** The options every study-running and listing command shares, from parsed values. */
export function commonOptions(values: { 'data-dir'?: string; json?: boolean; backend?: string } & OptionValues<typeof HOST_OPTIONS>): CommonOptions {
  return {
    dataDir: dataDirFrom(values['data-dir']),
    json: values.json ?? false,
    backend: values.backend ?? null,
    host: hostOptions(values),
    redis: redisUrl(values.redis),
  };
}
