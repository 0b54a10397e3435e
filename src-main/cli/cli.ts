import { resolveDataDir } from '../data-dir';
import { parseArgs } from './args';
import { bench, methods, quickstart, runConfigFile, serve, type CommonOptions } from './commands';
import { memoryProbe } from '../bench/memory-probe';
import { EXPORT_USAGE, exportCommand } from './export-command';
import { datasetsCommand, modelsCommand } from './library-commands';

const USAGE = `usage: retainlab <command> [options]
  quickstart [--text] [--json] run the built-in default study headless (--text: the language-model study, Moby Dick → speeches)
  run <config.json> [--json]   run any study from a config file
  serve [--port N]             start browser mode (prints a local URL with an access token)
  methods [--json]             list the mitigation methods and their parameters
  bench [--quick] [--out F]    measure the engine against its peers; writes a JSON report (default bench-report.json)
  export --runs … --figure K --format F --out FILE | --table F --out FILE | --bundle FILE.zip
                               figures, tables and reproducibility bundles for papers (see \`retainlab export\`)
  datasets import <path> [--name N] [--label-column C] [--json] | datasets list [--json]
                               import CSV/TSV, JSONL, image folders/zips, .npy pairs, .npz into the dataset library
  models import <model.json> [--json] | models list [--json]
                               import a TensorFlow.js LayersModel as a base model
options: --data-dir DIR (or RETAINLAB_DATA_DIR), --backend auto|tfjs-node-gpu|tfjs-node|wasm|cpu`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, ...rest] = args.positional;
  const opts: CommonOptions = {
    dataDir: resolveDataDir(argv),
    json: args.flags.get('json') === true,
    backend: typeof args.flags.get('backend') === 'string' ? (args.flags.get('backend') as string) : null,
  };
  switch (command) {
    case 'quickstart':
      return quickstart(opts, args.flags.get('text') === true);
    case 'run':
      return runConfigFile(rest[0], opts);
    case 'serve': {
      const port = Number(args.flags.get('port') ?? 0);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${args.flags.get('port')}'`);
      return serve({ ...opts, port });
    }
    case 'datasets':
      return datasetsCommand(args, opts);
    case 'models':
      return modelsCommand(args, opts);
    case 'methods':
      return methods(opts);
    case 'bench': {
      const probe = args.flags.get('memory-probe');
      if (typeof probe === 'string') return memoryProbe(Number(probe), Number(args.flags.get('steps') ?? 20)).then(() => 0);
      const out = args.flags.get('out');
      return bench(args.flags.get('quick') === true ? 'quick' : 'full', typeof out === 'string' ? out : 'bench-report.json');
    }
    case 'export':
      if (argv.length === 1) {
        process.stdout.write(`${EXPORT_USAGE}\n`);
        return 2;
      }
      return exportCommand(args, opts.dataDir);
    case undefined:
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command ? 0 : 2;
    default:
      throw new Error(`unknown command '${command}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`retainlab: ${err.message}\n`);
    process.exit(2);
  },
);
