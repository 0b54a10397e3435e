import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStudy, defaultTextStudy } from '../services/catalog';
import { methodCatalog } from '../engine/methods/registry';
import { defaultParams } from '../../src-shared/params';
import { forkLauncher } from '../services/fork-launcher';
import { startBrowserServer } from '../server/http-server';
import { createWorkbench } from '../workbench';
import { startWorker } from '../distributed/worker';
import { VERSION } from '../version';
import { progressPrinter } from './progress-printer';
import { runBench, type BenchSize } from '../bench/run-bench';
import { formatReport } from '../bench/report';
import { reportTable, searchTable, studyReport } from './study-report';
import { verdictTable } from './verdict-table';
import { isSuite, parseSuite } from '../../src-shared/study-suite';
import { stoppedAtOf } from '../services/search-study';
import type { LaunchResult } from '../../src-shared/api';
import type { ApiService } from '../services/api-service';
import type { RunHostOptions } from '../services/run-host';

/** Options every command shares. */
export interface CommonOptions {
  dataDir: string;
  json: boolean;
  backend: string | null;
  /** How this process's run host shares the store's queue (commands that train). */
  host: RunHostOptions;
  /** Workers' Redis (commands that train), or null for local engines. */
  redis: string | null;
}

/**
 * Runs one study headless: launch, stream progress to stderr, print the result; exit code 0 only if every
 * run completed. The same study config run again (and `fresh` not asked) continues the stored study.
 */
export async function runStudy(config: unknown, opts: CommonOptions, fresh = true, confirmed = false): Promise<number> {
  return printOutcome(await studyOutcome(config, opts, fresh, confirmed), opts);
}

/** Runs one study headless (as runStudy) and returns its report instead of printing it. */
function studyOutcome(config: unknown, opts: CommonOptions, fresh: boolean, confirmed: boolean): Promise<Outcome> {
  const withBackend = opts.backend ? { ...(config as object), backend: opts.backend } : config;
  return runLaunched(async (api) => {
    const continued = fresh ? null : await api.continueStudy(withBackend);
    if (!continued) {
      const check = await api.checkStudy(withBackend);
      if (check.ok) {
        const { count, toPretrain } = check.baseModels;
        process.stderr.write(
          `${check.runCount} fine-tuning run(s)${count > 1 ? ` on ${count} base models` : ''}${toPretrain ? `, ${toPretrain} to pretrain first` : ''}\n`,
        );
      }
      // A large sweep is launched only when its count is confirmed (--yes); launchStudy says so otherwise.
      return api.launchStudy(withBackend, confirmed && check.ok ? { confirmRuns: check.runCount } : {});
    }
    const again = continued.retried.length ? `; ${continued.retried.length} failed or cancelled run(s) queued again` : '';
    process.stderr.write(`continuing study ${continued.studyId} (the store has this study; --new starts another)${again}\n`);
    return continued;
  }, opts);
}

/** What running a study or runs gives: its exit code (0 only if every run completed), its report as `--json` prints it and as a table. */
interface Outcome {
  exit: number;
  /** Stopped by Ctrl+C: a suite runs no further study. */
  interrupted?: boolean;
  json: object;
  text: string;
}

/** Prints an outcome as JSON or as its table; returns its exit code. */
function printOutcome(outcome: Outcome, opts: CommonOptions): number {
  process.stdout.write(opts.json ? `${JSON.stringify(outcome.json, null, 2)}\n` : `${outcome.text}\n`);
  return outcome.exit;
}

/**
 * Launches runs with `start` in a headless workbench, streams progress to stderr and returns the result.
 * Other processes on the store may train some of the runs meanwhile; this one trains whatever it can claim
 * until the study's runs have all ended, and reports every run it trained, of this study or another.
 */
async function runLaunched(start: (api: ApiService) => Promise<LaunchResult>, opts: CommonOptions): Promise<Outcome> {
  const wb = createWorkbench({ dataDir: opts.dataDir, launcher: forkLauncher(), mode: 'browser', version: VERSION, host: opts.host, redis: opts.redis });
  const print = progressPrinter();
  wb.bus.only('run-updated', print);
  let launch: LaunchResult;
  try {
    launch = await start(wb.api);
  } catch (err) {
    wb.close();
    throw err;
  }
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    process.stderr.write('interrupted: cancelling the study (runs of other studies trained here go back to the queue)\n');
    void wb.api.cancelStudy(launch.studyId).catch(() => {});
  };
  process.once('SIGINT', stop);
  try {
    process.stderr.write(`study ${launch.studyId}: ${launch.runIds.length} runs, store ${opts.dataDir}\n`);
    await wb.host.untilEnded(launch.runIds);
    // A search launches its chosen points' seeds as its candidates end: those are waited for too.
    const searched = interrupted ? null : await wb.search.settle(launch.studyId);
    // Runs of other studies claimed meanwhile are finished, not abandoned (unless interrupted: then close hands them back).
    if (!interrupted) await wb.host.drain();
    const report = await studyReport(wb.api, searched ? { ...launch, runIds: searched.runIds } : launch, wb.host.executedRuns(), wb.host.owner);
    // Runs launched from run configs form a study of their own without a config, and so without a verdict.
    const verdict = await wb.api.studyVerdict(launch.studyId);
    const text = [reportTable(report), ...(searched ? [searchTable(searched.outcome)] : []), ...(verdict ? [verdictTable(verdict)] : [])];
    return {
      interrupted,
      // Runs the search stopped did what they were for.
      exit: report.runs.every((r) => r.status === 'completed' || stoppedAtOf(r.error) !== null) ? 0 : 1,
      json: { ...report, ...(searched ? { search: searched.outcome } : {}), verdict },
      text: text.join('\n'),
    };
  } finally {
    process.off('SIGINT', stop);
    wb.close();
  }
}

/** `retainlab quickstart [--text]`: the built-in default study, or the built-in text study. */
export function quickstart(opts: CommonOptions, text: boolean): Promise<number> {
  return runStudy(text ? defaultTextStudy() : defaultStudy(), opts);
}

/**
 * `retainlab run <config.json>`: a study, or stored run configs launched as they are: one (an object
 * with `kind`) or a JSON array of them, as a reproducibility bundle's runs.json holds them.
 */
export async function runConfigFile(path: string | undefined, opts: CommonOptions, fresh = false, confirmed = false): Promise<number> {
  if (!path) throw new Error('usage: retainlab run <study.json | suite.json | runs.json> [--json] [--data-dir DIR]');
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (isSuite(config)) return runSuite(config, opts, fresh, confirmed);
  const runConfigs = Array.isArray(config) ? config : typeof config === 'object' && config !== null && 'kind' in config ? [config] : null;
  if (!runConfigs) return runStudy(config, opts, fresh, confirmed);
  const withBackend = opts.backend ? runConfigs.map((c: unknown) => ({ ...(c as object), backend: opts.backend })) : runConfigs;
  return printOutcome(await runLaunched((api) => api.launchRuns(withBackend), opts), opts);
}

/**
 * Runs a suite's studies one after another (each continued where the store has it), after checking them all, so that
 * a bad third study is reported before the first has trained; prints one report with each study's, verdicts included.
 */
async function runSuite(input: unknown, opts: CommonOptions, fresh: boolean, confirmed: boolean): Promise<number> {
  const suite = parseSuite(input);
  const wb = createWorkbench({ dataDir: opts.dataDir, launcher: forkLauncher(), mode: 'browser', version: VERSION, host: opts.host, redis: opts.redis });
  try {
    const problems: string[] = [];
    for (const [i, study] of suite.studies.entries()) {
      const check = await wb.api.checkStudy(opts.backend ? { ...(study as object), backend: opts.backend } : study);
      if (!check.ok) problems.push(...check.issues.map((e) => `studies.${i}.${e}`));
      else if (check.runCount > check.confirmAbove && !confirmed)
        problems.push(`studies.${i}: ${check.runCount} fine-tuning runs: a suite with a study of more than ${check.confirmAbove} runs needs --yes`);
    }
    if (problems.length) throw new Error(`the suite '${suite.name}' has studies that cannot run:\n  ${problems.join('\n  ')}`);
  } finally {
    wb.close();
  }
  const outcomes: Outcome[] = [];
  for (const [i, study] of suite.studies.entries()) {
    process.stderr.write(`suite '${suite.name}': study ${i + 1} of ${suite.studies.length}\n`);
    try {
      outcomes.push(await studyOutcome(study, opts, fresh, confirmed));
    } catch (err) {
      // The studies before it stay reported: a late failure does not hide what was trained.
      const error = (err as Error).message;
      outcomes.push({ exit: 1, json: { error }, text: `study ${i + 1} could not run: ${error}` });
    }
    if (outcomes.at(-1)!.interrupted) {
      process.stderr.write(`interrupted: the suite's ${suite.studies.length - i - 1} later study(ies) are not run\n`);
      break;
    }
  }
  return printOutcome(
    {
      exit: Math.max(...outcomes.map((o) => o.exit)),
      json: { suite: suite.name, description: suite.description ?? null, studies: outcomes.map((o) => o.json) },
      text: [`suite: ${suite.name}`, ...outcomes.map((o, i) => `\n# study ${i + 1} of ${outcomes.length}\n${o.text}`)].join('\n'),
    },
    opts,
  );
}

/** `retainlab serve`: browser mode on 127.0.0.1 with a random token; runs until interrupted. */
export async function serve(opts: CommonOptions & { port: number; uploadQuota?: number }): Promise<number> {
  const wb = createWorkbench({
    dataDir: opts.dataDir,
    launcher: forkLauncher(),
    mode: 'browser',
    version: VERSION,
    host: opts.host,
    redis: opts.redis,
    uploadQuota: opts.uploadQuota,
  });
  const server = await startBrowserServer(wb, join(__dirname, '..', 'renderer'), opts.port);
  process.stdout.write(`RetainLab ${VERSION} in browser mode: open ${server.url}\n(store: ${opts.dataDir}; Ctrl+C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  wb.close();
  return 0;
}

/** `retainlab worker --redis URL`: trains runs handed out on Redis until SIGINT or SIGTERM, then lets BullMQ give its unfinished runs to other workers. */
export async function worker(opts: { url: string; concurrency: number; lockMs: number }): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const running = startWorker({ ...opts, launch: forkLauncher(), log });
  log(`RetainLab ${VERSION} worker ${running.name}: training up to ${opts.concurrency} run(s) at once from ${opts.url} (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}

/** `retainlab methods`: every method with its parameter schema. */
export function methods(opts: CommonOptions): number {
  const list = methodCatalog();
  if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else {
    for (const m of list) {
      const defaults = Object.entries(defaultParams(m.params)).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
      process.stdout.write(`${m.id.padEnd(12)} ${m.label}: ${defaults.join(', ') || 'no parameters'}\n`);
    }
  }
  return 0;
}

/** `retainlab bench`: every workload of the speed issue in one run; a table on stdout, the JSON report to `out`. */
export async function bench(size: BenchSize, out: string): Promise<number> {
  const report = await runBench(size, (line) => process.stderr.write(`${line}\n`));
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${formatReport(report)}\n\nJSON report: ${out}\n`);
  return 0;
}
