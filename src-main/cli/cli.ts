import { bench, methods, quickstart, runConfigFile, serve, worker } from './commands';
import { hfImportProbe } from '../bench/hf-import-probe';
import { memoryProbe } from '../bench/memory-probe';
import { studyBench } from '../bench/study-bench';
import { availableParallelism } from 'node:os';
import {
  COMMON_OPTIONS,
  commonOptions,
  defineCommand,
  HOST_OPTIONS,
  hostOptions,
  JSON_OPTION,
  optionsHelp,
  positiveNumber,
  redisUrl,
  type Command,
} from './command-line';
import { EXPORT_COMMAND } from './export-command';
import { DATASET_COMMANDS, MODEL_COMMANDS } from './library-commands';
import { QUEUE_COMMANDS, RUN_COMMANDS } from './run-commands';
import { STORE_COMMANDS } from './store-commands';
import { SWEEP_CONFIRM_RUNS } from '../../src-shared/sweep';

const BACKEND_OPTION = {
  type: 'string',
  placeholder: 'auto|tfjs-node-gpu|tfjs-node|wasm|cpu',
  help: "the compute backend of every run (default: the config's, else auto)",
} as const;

/** Every subcommand, declared once: its options, its help and what it runs. */
const COMMANDS: Command[] = [
  defineCommand(
    {
      name: 'quickstart',
      summary: 'run the built-in default study headless (--text: the language-model study, Moby Dick → speeches)',
      options: { text: { type: 'boolean', help: 'the text study instead' }, json: JSON_OPTION, backend: BACKEND_OPTION, ...HOST_OPTIONS },
    },
    ({ values }) => quickstart(commonOptions(values), values.text ?? false),
  ),
  defineCommand(
    {
      name: 'run',
      positionals: ['<config.json>'],
      summary:
        'run any study, or a suite of studies ({name, studies: […]}), from a config file (the same study again continues it: finished runs are kept, failed ones retried)',
      options: {
        json: JSON_OPTION,
        backend: BACKEND_OPTION,
        new: { type: 'boolean', help: 'a new study even where the store has this one' },
        yes: { type: 'boolean', short: 'y', help: `launch a sweep of more than ${SWEEP_CONFIRM_RUNS} fine-tuning runs without asking` },
        ...HOST_OPTIONS,
      },
    },
    ({ positionals, values }) => runConfigFile(positionals[0], commonOptions(values), values.new ?? false, values.yes ?? false),
  ),
  defineCommand(
    {
      name: 'serve',
      summary: 'start browser mode (prints a local URL with an access token)',
      options: {
        port: { type: 'string', placeholder: 'N', help: 'the port on 127.0.0.1 (default: a free one)' },
        'upload-quota': { type: 'string', placeholder: 'GIB', help: 'most GiB of uploads not yet imported it holds (default 2)' },
        ...HOST_OPTIONS,
      },
    },
    ({ values }) => {
      const port = Number(values.port ?? 0);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${values.port}'`);
      const quota = positiveNumber('upload-quota', values['upload-quota'], false, 1024);
      return serve({ ...commonOptions(values), port, uploadQuota: quota === undefined ? undefined : quota * 2 ** 30 });
    },
  ),
  defineCommand({ name: 'methods', summary: 'list the mitigation methods and their parameters', options: { json: JSON_OPTION } }, ({ values }) =>
    methods(commonOptions(values)),
  ),
  defineCommand(
    {
      name: 'bench',
      summary: 'measure the engine against its peers; writes a JSON report',
      options: {
        quick: { type: 'boolean', help: 'the smoke size: the same measuring rule with tiny segments (checks that all runs; not for reading speeds)' },
        study: {
          type: 'boolean',
          help: 'time one seed of a whole reference study: RetainLab with 1 and N engines against a plain PyTorch script (report: bench-study-report.json)',
        },
        out: { type: 'string', placeholder: 'FILE', help: 'where the JSON report goes (default bench-report.json)' },
        'memory-probe': { type: 'string', placeholder: 'ROWS', help: 'internal: train the MLP on ROWS samples in this process and print its peak memory' },
        steps: { type: 'string', placeholder: 'N', help: 'steps of the memory probe (default 20)' },
        'hf-import-probe': {
          type: 'string',
          placeholder: 'DIR',
          help: 'internal: import the Hub folder DIR into a temp store in this process and print its peak memory',
        },
      },
    },
    ({ values }) => {
      const probe = values['memory-probe'];
      if (probe !== undefined) return memoryProbe(Number(probe), Number(values.steps ?? 20)).then(() => 0);
      const hub = values['hf-import-probe'];
      if (hub !== undefined) return hfImportProbe(hub).then((peak) => (process.stdout.write(`${JSON.stringify(peak)}\n`), 0));
      if (values.study) return studyBench(values.quick ?? false, values.out ?? 'bench-study-report.json');
      return bench(values.quick ? 'quick' : 'full', values.out ?? 'bench-report.json');
    },
  ),
  defineCommand(
    {
      name: 'worker',
      summary: 'train runs that hosts started with --redis hand out (on this or another machine); runs until interrupted',
      options: {
        redis: { type: 'string', placeholder: 'URL', help: 'the Redis the hosts use, e.g. redis://10.0.0.5:6379 (required)' },
        parallel: HOST_OPTIONS.parallel,
        'lock-seconds': {
          type: 'string',
          placeholder: 'S',
          help: "how long before another worker takes over this one's runs if it dies (default 30)",
        },
      },
    },
    ({ values }) => {
      const url = redisUrl(values.redis);
      if (!url) throw new Error('worker needs --redis URL: the Redis its hosts hand runs out on');
      const { parallel } = hostOptions(values);
      const lock = positiveNumber('lock-seconds', values['lock-seconds'], false, 86_400);
      return worker({ url, concurrency: parallel ?? availableParallelism(), lockMs: (lock ?? 30) * 1000 });
    },
  ),
  EXPORT_COMMAND,
  ...DATASET_COMMANDS,
  ...MODEL_COMMANDS,
  ...RUN_COMMANDS,
  ...QUEUE_COMMANDS,
  ...STORE_COMMANDS,
];

const SYNOPSIS_WIDTH = Math.max(...COMMANDS.map((c) => c.synopsis.length)) + 2;
const USAGE = [
  'usage: retainlab <command> [options]   (retainlab <command> --help lists its options)',
  ...COMMANDS.map((c) => `  ${c.synopsis.padEnd(SYNOPSIS_WIDTH)}${c.summary}`),
  'options of every command:',
  ...optionsHelp(COMMON_OPTIONS),
].join('\n');

/** The command named by the first words (one, or two for `datasets import` and the like), and the words after them. */
function findCommand(argv: string[]): { command: Command; rest: string[] } {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  const family = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
  if (family.length)
    throw new Error(`${argv[0]} needs one of ${family.map((c) => c.name.split(' ')[1]).join(', ')}\n${family.map((c) => c.help).join('\n\n')}`);
  if (argv[0].startsWith('-')) throw new Error(`options follow the command (retainlab <command> ${argv[0]} …)\n${USAGE}`);
  throw new Error(`unknown command '${argv[0]}'\n${USAGE}`);
}

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return first ? 0 : 2;
  }
  const { command, rest } = findCommand(argv);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`retainlab: ${err.message}\n`);
    process.exit(2);
  },
);
