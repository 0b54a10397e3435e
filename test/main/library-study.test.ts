import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyCheck } from '../../src-shared/api';
import type { StudyConfigInput } from '../../src-shared/config';
import type { DatasetSummary, ImportedModelSummary } from '../../src-shared/datasets';
import { openStore } from '../../src-main/db/connection';
import { loadStoredDataset } from '../../src-main/store-read/stored-datasets';
import { readTfjsModelFiles } from '../../src-main/import/models/tfjs-files';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { cdClassesFigure } from '../../src-renderer/lib/figures/cd-classes';
import { ENGINE_PATH, tempDataDir } from './helpers';
import { blobCsv, sentencesJsonl } from './dataset-fixtures';

const FIXTURES = join(__dirname, '..', 'fixtures');

describe('studies on datasets of the library and on an imported model', () => {
  let wb: Workbench;
  let remove: () => void;
  let digits: DatasetSummary;
  let rotated: DatasetSummary;
  let sensors: DatasetSummary;
  let machines: DatasetSummary;
  let reviews: DatasetSummary;
  let newsOld: DatasetSummary;
  let newsNew: DatasetSummary;
  let cnn: ImportedModelSummary;

  const importAt = (path: string, name: string) => wb.api.importDataset({ kind: 'path', path }, { name }, `job-${name}`);
  const issuesOf = (check: StudyCheck) => (check.ok ? [] : check.issues).join('\n');
  /** A study of the imported CNN: pretrain = the .npz digits it was trained on, target = the rotated ones. */
  const cnnStudy = (over: Partial<StudyConfigInput> = {}): StudyConfigInput => ({
    name: 'imported CNN on rotated digits',
    baseModel: { imported: cnn.id },
    data: { source: 'library', pretrain: digits.id, standardize: false },
    target: { task: 'dataset', dataset: rotated.id },
    methods: [{ id: 'vanilla' }],
    budget: { epochs: 4, batchSize: 16, learningRate: 3e-3, evalsPerEpoch: 1 },
    backend: 'wasm',
    ...over,
  });

  beforeAll(async () => {
    const dir = tempDataDir();
    remove = dir.remove;
    wb = createWorkbench({ dataDir: dir.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    digits = await importAt(join(FIXTURES, 'import', 'digits8.npz'), 'digits 0-2 (8×8)');
    rotated = await importAt(join(FIXTURES, 'import', 'digits8-rotated.npz'), 'digits 0-2 rotated');
    writeFileSync(join(dir.dir, 'sensors.csv'), blobCsv(['idle', 'walk', 'run'], { perClass: 60, features: 4, seed: 1 }));
    writeFileSync(join(dir.dir, 'machines.csv'), blobCsv(['ok', 'worn'], { perClass: 60, features: 4, seed: 2, shift: 1 }));
    sensors = await importAt(join(dir.dir, 'sensors.csv'), 'sensors');
    machines = await importAt(join(dir.dir, 'machines.csv'), 'machines');
    reviews = await importAt(join(FIXTURES, 'import', 'text', 'reviews.jsonl'), 'reviews');
    // Headlines of two topics, then the same topics in other words (a vocabulary shift, the same labels).
    writeFileSync(
      join(dir.dir, 'news-old.jsonl'),
      sentencesJsonl(
        { sport: ['goal', 'match', 'team', 'score', 'league', 'player'], weather: ['rain', 'storm', 'cloud', 'wind', 'snow', 'sunny'] },
        { perClass: 60, seed: 3 },
      ),
    );
    writeFileSync(
      join(dir.dir, 'news-new.jsonl'),
      sentencesJsonl(
        { sport: ['coach', 'derby', 'final', 'striker', 'season', 'team'], weather: ['frost', 'drizzle', 'humid', 'gale', 'fog', 'rain'] },
        { perClass: 60, seed: 4 },
      ),
    );
    newsOld = await importAt(join(dir.dir, 'news-old.jsonl'), 'news (old words)');
    newsNew = await importAt(join(dir.dir, 'news-new.jsonl'), 'news (new words)');
    cnn = await wb.api.importModel({ kind: 'path', path: join(FIXTURES, 'models', 'cnn') }, 'digit CNN');
  });

  afterAll(() => {
    wb?.close();
    remove?.();
  });

  it('fine-tunes a tfjs-saved model on numpy-saved datasets: θ₀ is the imported model, whose accuracy equals tfjs’s own', async () => {
    const check = await wb.api.checkStudy(cnnStudy());
    expect(issuesOf(check)).toBe('');
    expect(check.ok && check.notes.join(' ')).toMatch(/same 3 classes \(0, 1, 2\): the pretrain head is reused/);
    const launch = await wb.api.launchStudy(cnnStudy({ methods: [{ id: 'vanilla' }, { id: 'l2-sp', params: { alpha: 1 } }] }));
    expect(launch.pretrainRunId).toBeNull();
    expect(launch.baseModelId).toBe(cnn.id);
    await wb.host.whenIdle();
    const [vanilla, l2] = await Promise.all(launch.runIds.map((id) => wb.api.getRun(id)));
    expect([vanilla.status, l2.status], `${vanilla.error} ${l2.error}`).toEqual(['completed', 'completed']);
    expect(vanilla.logs.join('\n')).toMatch(/target: digits 0-2 rotated \(eval\); the same classes: the pretrain head is reused/);

    // The same eval split through tfjs-layers itself.
    const reader = openStore(wb.dataDir);
    const evalSet = loadStoredDataset(reader, digits.id);
    reader.close();
    const rows = Array.from(evalSet.splits.eval);
    const original = await loadLayersModel({ load: async () => readTfjsModelFiles(join(FIXTURES, 'models', 'cnn')).artifacts });
    const x = tf.tensor4d(
      rows.flatMap((r) => Array.from(evalSet.x.subarray(r * 64, (r + 1) * 64))),
      [rows.length, 8, 8, 1],
    );
    const predicted = tf.argMax(original.predict(x) as tf.Tensor, 1).arraySync() as number[];
    const tfjsAccuracy = predicted.filter((p, i) => p === evalSet.y[rows[i]]).length / rows.length;
    expect(tfjsAccuracy).toBeGreaterThan(0.85);
    expect(vanilla.headline!.aPreBase).toBeCloseTo(tfjsAccuracy, 6);

    // Rotated digits are a real shift: θ₀ is poor on them, fine-tuning gains, and the L2 anchor keeps more.
    const h = vanilla.headline!;
    expect(h.aTgtBase).toBeLessThan(h.aPreBase - 0.2);
    expect(h.aTgtBaseIsProbe).toBe(false);
    expect(h.aTgt).toBeGreaterThan(h.aTgtBase + 0.15);
    expect(l2.headline!.weightDistance).toBeLessThan(h.weightDistance);

    const forgotten = await wb.api.forgottenSamples(vanilla.id, 4);
    expect(forgotten).toMatchObject({ available: true, shape: [8, 8, 1], classNames: ['0', '1', '2'], inkDark: false });
    expect(forgotten.total).toBe(Math.round(h.cdAbs * rows.length));
    for (const s of forgotten.samples) expect(s.pixels).toHaveLength(64);

    // A dataset a run used cannot be deleted.
    await expect(wb.api.deleteDataset(rotated.id)).rejects.toThrow(/'digits 0-2 rotated' is used by 2 runs/);
  });

  it('fine-tunes the imported model on a sequence of library datasets and stores the matrix R[i][j] named by dataset', async () => {
    const launch = await wb.api.launchStudy(
      cnnStudy({ name: 'rotated, then upright again', target: { task: 'dataset', dataset: rotated.id, thenDatasets: [digits.id] } }),
    );
    await wb.host.whenIdle();
    const run = await wb.api.getRun(launch.runIds[0]);
    expect(run.status, run.error ?? '').toBe('completed');
    const sequence = run.headline!.sequence!;
    expect(sequence.tasks).toEqual(['pretrain (digits 0-2 (8×8))', 'digits 0-2 rotated', 'digits 0-2 (8×8)']);
    expect(sequence.matrix).toHaveLength(3);
    // Stage 0 is θ₀: the pretrain column and the last column (the pretrain dataset's own eval split) agree.
    expect(sequence.matrix[0][0]).toBeCloseTo(run.headline!.aPreBase, 6);
    expect(sequence.matrix[0][2]).toBeCloseTo(sequence.matrix[0][0], 6);
    expect(run.logs.join('\n')).toMatch(/stage 2 of 2: digits 0-2 \(8×8\)/);
    expect(run.taskLabel).toBe('digits 0-2 (8×8) → digits 0-2 rotated → digits 0-2 (8×8)');
  });

  it('pretrains the MLP on an imported table and gives a target with other classes a new head', async () => {
    const study: StudyConfigInput = {
      name: 'sensors → machines',
      baseModel: { recipe: 'mlp', pretrain: { epochs: 20, batchSize: 16, learningRate: 3e-3 } },
      data: { source: 'library', pretrain: sensors.id },
      target: { task: 'dataset', dataset: machines.id },
      methods: [{ id: 'vanilla' }],
      budget: { epochs: 10, batchSize: 16, learningRate: 3e-3, evalsPerEpoch: 1 },
      backend: 'wasm',
    };
    const check = await wb.api.checkStudy(study);
    expect(check.ok && check.notes.join(' ')).toMatch(/The classes differ \(pretrain: idle, run, walk; target: ok, worn\): a new head of 2 units/);
    const launch = await wb.api.launchStudy(study);
    expect(launch.pretrainRunId).not.toBeNull();
    await wb.host.whenIdle();
    const [pretrain, run] = await Promise.all(launch.runIds.map((id) => wb.api.getRun(id)));
    expect([pretrain.status, run.status], `${pretrain.error} ${run.error}`).toEqual(['completed', 'completed']);
    expect(pretrain.logs.join('\n')).toMatch(/pretraining mlp on 144 samples of sensors \(train\) \(classes idle,run,walk\), evaluating on 36/);
    expect(run.headline!.aPreBase).toBeGreaterThan(0.8);
    expect(run.headline!.aTgtBaseIsProbe).toBe(true);
    expect(run.headline!.aTgt).toBeGreaterThan(0.8);
    const models = await wb.api.listBaseModels();
    expect(models[0].name).toBe('MLP on sensors');
    const forgotten = await wb.api.forgottenSamples(run.id, 2);
    for (const s of forgotten.samples) expect(s.text).toMatch(/^standardised features: -?\d/);
  });

  it('pretrains the character encoder on an imported text dataset and fine-tunes it on another with the same labels', async () => {
    const study: StudyConfigInput = {
      name: 'news: old words → new words',
      baseModel: { recipe: 'char-encoder', pretrain: { epochs: 8, batchSize: 16, learningRate: 1e-2 } },
      data: { source: 'library', pretrain: newsOld.id, minCharCount: 2 },
      target: { task: 'dataset', dataset: newsNew.id },
      methods: [{ id: 'vanilla' }],
      budget: { epochs: 4, batchSize: 16, learningRate: 3e-3, evalsPerEpoch: 1 },
      backend: 'wasm',
    };
    const check = await wb.api.checkStudy(study);
    expect(issuesOf(check)).toBe('');
    expect(check.ok && check.notes.join(' ')).toMatch(
      /characters seen at least 2 times in the train split of 'news \(old words\)'.*same 2 classes \(sport, weather\)/,
    );
    const launch = await wb.api.launchStudy(study);
    await wb.host.whenIdle();
    const [pretrain, run] = await Promise.all(launch.runIds.map((id) => wb.api.getRun(id)));
    expect([pretrain.status, run.status], `${pretrain.error} ${run.error}`).toEqual(['completed', 'completed']);
    const tokenizer = (run.config as { baseModel: { tokenizer: { symbols: string[] } } }).baseModel.tokenizer;
    expect(tokenizer.symbols).toEqual(expect.arrayContaining(['g', 'S', '.']));
    // The new words are mostly unknown to θ₀; fine-tuning learns them.
    const h = run.headline!;
    expect(h.aPreBase).toBeGreaterThan(0.8);
    expect(h.aTgtBase).toBeLessThan(h.aPreBase - 0.2);
    expect(h.aTgt).toBeGreaterThan(h.aTgtBase + 0.1);
    const forgotten = await wb.api.forgottenSamples(run.id, 3);
    expect(forgotten.classNames).toEqual(['sport', 'weather']);
    // The collateral-damage-per-class figure names the classes by their labels.
    expect(cdClassesFigure([run], { styleOf: () => ({ color: '#000000', marker: 'circle', dash: 'solid' }) }).layout.xaxis?.ticktext).toEqual([
      'sport',
      'weather',
    ]);
    for (const s of forgotten.samples) expect(s.text).toMatch(/^[A-Z][a-z ]+\.$/);
  });

  it('says what to fix when datasets and model do not fit together', async () => {
    const check = (over: Partial<StudyConfigInput>) => wb.api.checkStudy(cnnStudy(over)).then(issuesOf);
    expect(await check({ target: { task: 'dataset', dataset: 'data-nope' } })).toMatch(/target\.dataset: no dataset with id 'data-nope' in the library/);
    expect(await check({ baseModel: { imported: 'model-nope' } })).toMatch(/baseModel\.imported: no imported model with id 'model-nope'/);
    expect(await check({ target: { task: 'dataset', dataset: sensors.id } })).toMatch(
      /target\.dataset: 'sensors' has rows of 4 features but the pretrain dataset 'digits 0-2 \(8×8\)' has 8×8×1 samples: they must match/,
    );
    expect(await check({ data: { source: 'library', pretrain: sensors.id }, target: { task: 'dataset', dataset: machines.id } })).toMatch(
      /data\.pretrain: the model 'digit CNN' takes 8×8×1 samples but 'sensors' has rows of 4 features/,
    );
    expect(await check({ data: { source: 'library', pretrain: machines.id }, target: { task: 'dataset', dataset: machines.id } })).toMatch(
      /has a head of 3 classes but 'machines' has 2/,
    );
    expect(await check({ target: { task: 'dataset', dataset: reviews.id } })).toMatch(
      /target\.dataset: the model 'digit CNN' takes 8×8×1 samples, but 'reviews' is a text dataset/,
    );
    expect(
      await check({ baseModel: { recipe: 'mlp' }, data: { source: 'library', pretrain: reviews.id }, target: { task: 'dataset', dataset: reviews.id } }),
    ).toMatch(/baseModel\.recipe: 'reviews' is a text dataset: choose the character encoder/);
    expect(await check({ baseModel: { recipe: 'char-encoder' }, target: { task: 'dataset', dataset: newsNew.id } })).toMatch(
      /the character encoder reads text, but 'digits 0-2 \(8×8\)' holds images: choose the MLP or the CNN/,
    );
    expect(
      await check({ baseModel: { recipe: 'cnn' }, data: { source: 'library', pretrain: sensors.id }, target: { task: 'dataset', dataset: machines.id } }),
    ).toMatch(/baseModel\.recipe: the CNN needs images, but 'sensors' holds rows of 4 features: choose the MLP/);
    expect(await check({ target: { task: 'dataset' } })).toMatch(/target\.dataset: choose the target dataset/);
    expect(await check({ target: { task: 'dataset', dataset: rotated.id, thenDatasets: [sensors.id] } })).toMatch(
      /target\.thenDatasets\.0: 'sensors' has rows of 4 features but the pretrain dataset/,
    );
    const tables = { baseModel: { recipe: 'mlp' as const }, data: { source: 'library' as const, pretrain: sensors.id } };
    expect(await check({ ...tables, target: { task: 'dataset', dataset: sensors.id, thenDatasets: [machines.id] } })).toMatch(
      /target\.thenDatasets\.0: 'machines' has other classes than the pretrain dataset; a sequence's datasets share the pretrain head/,
    );
    expect(await check({ target: { task: 'rotate90' } })).toMatch(/set target\.task to 'dataset'/);
    await expect(wb.api.launchStudy(cnnStudy({ target: { task: 'dataset', dataset: 'data-nope' } }))).rejects.toThrow(/no dataset with id 'data-nope'/);
  });
});
