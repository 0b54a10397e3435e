import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATASET_COMMANDS } from '../../src-main/cli/library-commands';
import { generalityHeadline } from '../../src-shared/generality';
import { reportTable, type StudyReport } from '../../src-main/cli/study-report';
import { openStore } from '../../src-main/db/connection';
import { methodSettingLabel } from '../../src-main/engine/methods/registry';
import { DatasetService } from '../../src-main/services/dataset-service';
import { headline } from '../renderer/run-fixtures';
import { blobCsv } from './dataset-fixtures';
import { tempDataDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  cleanups.splice(0).forEach((c) => c());
});

/** A store folder removed after the test. */
function dataDir(): string {
  const data = tempDataDir();
  cleanups.push(data.remove);
  return data.dir;
}

/** Runs a `datasets …` command in this process and collects what it prints. */
async function datasets(words: string, args: string[]): Promise<{ code: number | Error; stdout: string; stderr: string }> {
  const printed = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((printed.stderr += String(chunk)), true));
  const command = DATASET_COMMANDS.find((c) => c.name === `datasets ${words}`)!;
  const code = await command.run(args).catch((error: Error) => error);
  vi.restoreAllMocks();
  return { code, ...printed };
}

describe('the dataset commands print as the app shows', () => {
  it('list a table by its number of features, in the words of the library view', async () => {
    const dir = dataDir();
    const csv = join(dir, 'sensors.csv');
    writeFileSync(csv, blobCsv(['idle', 'walk'], { perClass: 20, features: 10, seed: 1 }));
    const db = openStore(dir);
    await new DatasetService(db, dir, () => {}).importDataset({ kind: 'path', path: csv }, { name: 'sensors' }, 'job-1');
    db.close();
    const listed = await datasets('list', ['--data-dir', dir]);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes('sensors'))!;
    expect(line).toMatch(/ 10 features /);
    expect(line).not.toMatch(/1×10×1/);
  });

  it('say that a path to import does not exist, and nothing else', async () => {
    const dir = dataDir();
    const missing = join(dir, 'nope.csv');
    const imported = await datasets('import', [missing, '--data-dir', dir]);
    expect(imported.code).toBeInstanceOf(Error);
    expect((imported.code as Error).message).toBe(`${missing} does not exist`);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('');
  });
});

describe('the results table of `retainlab run`', () => {
  it('names each run by its method label with the setting that tells it apart', () => {
    expect(methodSettingLabel({ id: 'lora', params: {} })).toBe('LoRA');
    expect(methodSettingLabel({ id: 'lora', params: { full: true } })).toBe('LoRA (full rank)');
    expect(methodSettingLabel({ id: 'lora', params: {}, with: [{ id: 'rehearsal', params: {} }] })).toBe('LoRA + Random rehearsal');
    expect(methodSettingLabel({ id: 'mixcd', params: {} })).toBe('mix-cd rehearsal (estimated)');
    expect(methodSettingLabel({ id: 'mixcd', params: { variant: 'oracle' } })).toBe('mix-cd rehearsal (oracle)');
  });

  it('pads every column to its widest cell, so a long label shifts nothing', () => {
    const run = (id: string, label: string, h: StudyReport['runs'][number]['headline']): StudyReport['runs'][number] => ({
      id,
      kind: 'finetune',
      method: 'x',
      label,
      point: null,
      seed: 0,
      status: 'completed',
      error: null,
      trainedHere: true,
      backend: 'wasm',
      metric: 'accuracy',
      targetMetric: 'accuracy',
      headline: h,
      sweep: [],
    });
    const report: StudyReport = {
      host: 'test',
      alsoTrainedHere: [],
      studyId: 'study-1',
      baseModelId: 'base-1',
      pretrainedNow: false,
      runs: [
        run('run-aaaaaaaa', 'Vanilla fine-tuning', headline(0.5, 0.9)),
        run('run-bbbbbbbb', 'Linear probe', headline(0.95, 0.7)),
        run('run-cccccccc', 'LoRA (full rank) + Random rehearsal', headline(0.8, 0.85)),
        run('run-dddddddd', 'mix-cd rehearsal (oracle)', null),
      ],
    };
    const lines = reportTable(report).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('LoRA (full rank) + Random rehearsal');
    // Right-aligned numbers end every row at the same column, under the header's last title.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    const status = lines[0].indexOf('status');
    expect(lines.slice(1).map((l) => l.slice(status, status + 9))).toEqual(lines.slice(1).map(() => 'completed'));

    // A run with a generality suite gets a line with each set's metric at θ₀ → now, its retention, and their mean.
    const suite = {
      ...headline(0.8, 0.85),
      ...generalityHeadline('accuracy', ['upright', 'noisy-digits'], { upright: 0.9, 'noisy-digits': 0.6 }, { upright: 0.72, 'noisy-digits': 0.3 }),
    };
    const withSuite = reportTable({ ...report, runs: [run('run-eeeeeeee', 'Vanilla fine-tuning', suite)] }).split('\n');
    expect(withSuite[2]).toBe('   generality: Upright digits 90.0→72.0 (R 80.0%), Noisy digits 60.0→30.0 (R 50.0%); mean R 65.0%');
  });
});
