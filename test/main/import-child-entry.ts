// Runs in a child process, bundled by import-child.ts: the real `retainlab datasets import` command
// (its option parsing, the dataset service, the store), as bin/retainlab.js would run it, reporting
// the process's peak resident memory when it exits.
import { DATASET_COMMANDS } from '../../src-main/cli/library-commands';

process.on('exit', () => process.stderr.write(`MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
const command = DATASET_COMMANDS.find((c) => c.name === 'datasets import')!;
command.run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`retainlab: ${err.message}\n`);
    process.exit(2);
  },
);
