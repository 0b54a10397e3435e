import type { RunStatus } from '../../src-shared/api';
import { openStore } from '../db/connection';
import { listEvaluations } from '../db/evaluations';
import { cancelInStore, isQueuePaused, setQueuePaused } from '../db/queue';
import { archiveRuns } from '../db/run-bulk';
import { deleteRun, retryRun } from '../db/run-control';
import { listRunLogs } from '../db/run-logs';
import { resumeStepOf } from '../db/resume-points';
import { getRun, listRuns, runsOfStudy, type RunRecord } from '../db/runs';
import type { Db } from '../db/types';
import { methodLabel } from '../engine/methods/registry';
import { FIXED_QUERY_FIELDS, matchesQuery, queryIssues } from '../../src-shared/run-query';
import { forkLauncher } from '../services/fork-launcher';
import { VERSION } from '../version';
import { createWorkbench } from '../workbench';
import { commonOptions, defineCommand, HOST_OPTIONS, JSON_OPTION, type Command } from './command-line';
import { progressPrinter } from './progress-printer';

const STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'cancelled', 'failed'];

function withStore<T>(dataDir: string, work: (db: Db) => T): T {
  const db = openStore(dataDir);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** What `runs list --json` and `runs show --json` print of a run: the record without its config, and where it would resume. */
function runFacts(db: Db, run: RunRecord) {
  const { config: _config, ...rest } = run;
  return {
    ...rest,
    method: run.kind === 'pretrain' ? 'pretrain' : methodLabel(run.config?.kind === 'finetune' ? run.config.method : { id: run.methodId }),
    resumeStep: resumeStepOf(db, run.id),
  };
}

function runLine(db: Db, run: RunRecord): string {
  const f = runFacts(db, run);
  const h = run.headline;
  const numbers = h ? `A_pre ${h.aPre.toFixed(3)} A_tgt ${h.aTgt.toFixed(3)}` : '';
  const resume = f.resumeStep !== null && run.status !== 'completed' ? `resume point at step ${f.resumeStep}` : '';
  const why = run.status === 'failed' || run.status === 'cancelled' ? (run.error ?? '') : '';
  return [
    run.id.padEnd(13),
    run.studyName.slice(0, 24).padEnd(24),
    f.method.slice(0, 22).padEnd(22),
    String(run.seed).padStart(4),
    run.status.padEnd(9),
    numbers,
    resume,
    why,
  ]
    .filter((part, i) => i < 5 || part)
    .join('  ');
}

function requireStudy(db: Db, studyId: string): RunRecord[] {
  const runs = runsOfStudy(db, studyId);
  if (!runs.length) throw new Error(`no study '${studyId}' with runs in this store (retainlab runs list shows each run's study)`);
  return runs;
}

/** `retainlab runs list|show|retry|cancel|archive|delete`: the store's runs, from any process, while others train them. */
export const RUN_COMMANDS: Command[] = [
  defineCommand(
    {
      name: 'runs list',
      summary: "list the store's runs, oldest first",
      options: {
        study: { type: 'string', placeholder: 'S', help: 'only the runs of this study id' },
        status: { type: 'string', placeholder: STATUSES.join('|'), help: 'only runs in this status' },
        where: {
          type: 'string',
          placeholder: 'Q',
          help: 'only runs matching this search, as in the Runs view: retention>0.9 targetGain>=0.5 learningRate<0.01 studyName="Digits study"',
        },
        json: JSON_OPTION,
      },
    },
    ({ values }) => {
      const opts = commonOptions(values);
      const status = values.status;
      if (status !== undefined && !STATUSES.includes(status as RunStatus)) throw new Error(`--status must be one of ${STATUSES.join(', ')}, got '${status}'`);
      return withStore(opts.dataDir, (db) => {
        const all = values.study ? requireStudy(db, values.study) : listRuns(db).reverse();
        const issues = values.where ? queryIssues(values.where, all) : [];
        if (issues.length) throw new Error(`--where: ${issues.join('; ')} (fields: ${FIXED_QUERY_FIELDS.join(', ')}, or a config path of these runs)`);
        const runs = all.filter((r) => (!status || r.status === status) && (!values.where || matchesQuery(r, values.where)));
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify(
              runs.map((r) => runFacts(db, r)),
              null,
              2,
            )}\n`,
          );
        else process.stdout.write(runs.length ? `${runs.map((r) => runLine(db, r)).join('\n')}\n` : 'no runs\n');
        return 0;
      });
    },
  ),
  defineCommand(
    { name: 'runs show', positionals: ['<run-id>'], summary: 'one run: its state, headline and log', options: { json: JSON_OPTION } },
    ({ positionals: [id], values }) => {
      const opts = commonOptions(values);
      return withStore(opts.dataDir, (db) => {
        const run = getRun(db, id);
        if (!run) throw new Error(`no run '${id}' in this store (retainlab runs list shows them)`);
        const facts = { ...runFacts(db, run), evaluations: listEvaluations(db, id).length, logs: listRunLogs(db, id) };
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...facts, config: run.config }, null, 2)}\n`);
        else
          process.stdout.write(
            `${runLine(db, run)}\nstudy ${run.studyId ?? '-'}; owner ${run.owner ?? '-'}; started ${run.attempts} time(s); ${facts.evaluations} evaluation points\n${facts.logs.map((l) => `  ${l}`).join('\n')}\n`,
          );
        return 0;
      });
    },
  ),
  defineCommand(
    { name: 'runs retry', positionals: ['<run-id>'], summary: 'queue a failed or cancelled run again (from its last resume point)', options: {} },
    ({ positionals: [id], values }) =>
      withStore(commonOptions(values).dataDir, (db) => {
        const step = resumeStepOf(db, id);
        retryRun(db, id);
        process.stdout.write(
          `run ${id} is queued again; it ${step === null ? 'starts from the beginning' : `resumes from step ${step}`} when a host trains the queue (the app, retainlab serve, or retainlab queue work)\n`,
        );
        return 0;
      }),
  ),
  defineCommand(
    {
      name: 'runs cancel',
      positionals: ['[run-id]'],
      summary: 'cancel a run, or every unfinished run of a study (a running one stops within its lease renewal)',
      options: { study: { type: 'string', placeholder: 'S', help: 'cancel every queued and running run of this study' } },
    },
    ({ positionals: [id], values }) =>
      withStore(commonOptions(values).dataDir, (db) => {
        if (!id === !values.study) throw new Error('runs cancel needs a run id or --study S (one of them)');
        const runs = values.study ? requireStudy(db, values.study) : [getRun(db, id!)];
        if (!runs[0]) throw new Error(`no run '${id}' in this store (retainlab runs list shows them)`);
        for (const run of runs as RunRecord[]) {
          const outcome = cancelInStore(db, run.id);
          if (outcome === 'cancelled') process.stdout.write(`${run.id}: cancelled\n`);
          else if (outcome === 'requested') process.stdout.write(`${run.id}: its host was asked to stop it\n`);
          else if (id) process.stdout.write(`${run.id}: not cancelled, it is ${run.status}\n`);
        }
        return 0;
      }),
  ),
  defineCommand(
    {
      name: 'runs archive',
      positionals: ['<run-id>'],
      summary: 'hide a run that is not queued or running from the Runs view (kept whole); --undo brings it back',
      options: { undo: { type: 'boolean', help: 'bring the run back' } },
    },
    ({ positionals: [id], values }) =>
      withStore(commonOptions(values).dataDir, (db) => {
        archiveRuns(db, [id], !values.undo);
        process.stdout.write(`${values.undo ? 'brought back' : 'archived'} run ${id}\n`);
        return 0;
      }),
  ),
  defineCommand(
    {
      name: 'runs delete',
      positionals: ['<run-id>'],
      summary: 'delete a run that is not queued or running, with its weights, resume point and evaluations',
      options: {},
    },
    ({ positionals: [id], values }) =>
      withStore(commonOptions(values).dataDir, (db) => {
        deleteRun(db, id);
        process.stdout.write(`deleted run ${id}\n`);
        return 0;
      }),
  ),
];

/** `retainlab queue pause|resume|status|work`: the store's queue as a whole. */
export const QUEUE_COMMANDS: Command[] = [
  defineCommand({ name: 'queue pause', summary: 'no process starts a new run until the queue is resumed (running runs go on)', options: {} }, ({ values }) =>
    withStore(commonOptions(values).dataDir, (db) => {
      setQueuePaused(db, true);
      process.stdout.write('queue paused\n');
      return 0;
    }),
  ),
  defineCommand({ name: 'queue resume', summary: 'let hosts start queued runs again', options: {} }, ({ values }) =>
    withStore(commonOptions(values).dataDir, (db) => {
      setQueuePaused(db, false);
      process.stdout.write('queue resumed\n');
      return 0;
    }),
  ),
  defineCommand({ name: 'queue status', summary: 'whether the queue is paused, and its runs by status', options: { json: JSON_OPTION } }, ({ values }) => {
    const opts = commonOptions(values);
    return withStore(opts.dataDir, (db) => {
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
      for (const run of listRuns(db)) counts[run.status]++;
      const status = { paused: isQueuePaused(db), counts };
      if (opts.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else process.stdout.write(`queue ${status.paused ? 'paused' : 'running'}; ${STATUSES.map((s) => `${counts[s]} ${s}`).join(', ')}\n`);
      return 0;
    });
  }),
  defineCommand(
    {
      name: 'queue work',
      summary: "train the store's queued runs (and take over those of processes that died) until none is left",
      options: { ...HOST_OPTIONS },
    },
    async ({ values }) => {
      const opts = commonOptions(values);
      const wb = createWorkbench({ dataDir: opts.dataDir, launcher: forkLauncher(), mode: 'browser', version: VERSION, host: opts.host, redis: opts.redis });
      wb.bus.only('run-updated', progressPrinter());
      // Ctrl+C stops at once: the runs in training go back to the queue and resume from their last resume point.
      const interrupted = new Promise<void>((resolve) => process.once('SIGINT', resolve));
      try {
        await Promise.race([wb.host.whenIdle(), interrupted]);
        const executed = wb.host.executedRuns();
        const lines = await Promise.all(
          executed.map(async (id) => {
            const run = await wb.api.getRun(id).catch(() => null);
            return `${id}  ${run ? `${run.status}${run.error ? `: ${run.error}` : ''}` : 'deleted meanwhile'}`;
          }),
        );
        process.stdout.write(`${executed.length} run(s) trained here${lines.length ? `:\n${lines.join('\n')}` : ''}\n`);
        return 0;
      } finally {
        wb.close();
      }
    },
  ),
];
