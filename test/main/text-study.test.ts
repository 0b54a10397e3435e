import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunHeadline } from '../../src-shared/api';
import type { StudyConfigInput } from '../../src-shared/config';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() =>
  cleanups
    .splice(0)
    .reverse()
    .forEach((c) => c()),
);

/** A language-model study small enough for seconds: a few hundred windows of Moby Dick and modern speeches. */
const tinyText: StudyConfigInput = {
  name: 'tiny text study',
  baseModel: { recipe: 'char-gpt', pretrain: { epochs: 1, batchSize: 32, learningRate: 3e-3 } },
  data: { source: 'text', trainSequences: 128, evalSequences: 16 },
  target: { task: 'sotu-late' },
  methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: 2, layers: 'attention', head: 'frozen' } }],
  budget: { epochs: 1, batchSize: 32, learningRate: 3e-3, evalsPerEpoch: 1 },
  backend: 'wasm',
};

function newDir(): string {
  const d = tempDataDir();
  cleanups.push(d.remove);
  return d.dir;
}

describe('text studies through the host and the command line', () => {
  it('`retainlab run` runs a language-model study from a config and reports loss metrics', () => {
    const dir = newDir();
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify(tinyText));
    const out = spawnSync(process.execPath, [join(__dirname, '..', '..', 'bin', 'retainlab.js'), 'run', file, '--json', '--data-dir', dir], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.runs.map((r: { kind: string; status: string; metric: string }) => [r.kind, r.status, r.metric])).toEqual([
      ['pretrain', 'completed', 'loss'],
      ['finetune', 'completed', 'loss'],
      ['finetune', 'completed', 'loss'],
    ]);
    // Mean token losses in nats: above zero, below ln(vocabulary) of an untrained model by a margin.
    expect(report.runs[1].headline.aPre).toBeGreaterThan(0.5);
    expect(report.runs[1].headline.aPre).toBeLessThan(4.4);
    expect(out.stderr).toMatch(/A_pre \d\.\d{3} nats/);
  });

  it('`retainlab run` fine-tunes the character model into a spam filter (moby-spam): L_pre in nats, A_tgt as accuracy through a new head on the mean of the positions', () => {
    const dir = newDir();
    const file = join(dir, 'study.json');
    const study: StudyConfigInput = {
      ...tinyText,
      name: 'moby dick into a spam filter',
      target: { task: 'moby-spam' },
      methods: [{ id: 'vanilla' }, { id: 'rehearsal' }, { id: 'ewc' }, { id: 'lwf' }],
    };
    writeFileSync(file, JSON.stringify(study));
    const out = spawnSync(process.execPath, [join(__dirname, '..', '..', 'bin', 'retainlab.js'), 'run', file, '--json', '--data-dir', dir], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    type Reported = { kind: string; status: string; metric: string; targetMetric: string; headline: RunHeadline };
    const runs: Reported[] = report.runs;
    expect(runs.map((r) => [r.kind, r.status, r.metric, r.targetMetric])).toEqual([
      ['pretrain', 'completed', 'loss', 'accuracy'],
      ...study.methods.map(() => ['finetune', 'completed', 'loss', 'accuracy']),
    ]);
    for (const { headline: h } of runs.slice(1)) {
      // L_pre: mean token loss of the pretrained character model; A_tgt: a share of the spam documents.
      expect(h.aPre).toBeGreaterThan(0.5);
      expect(h.aPre).toBeLessThan(4.4);
      expect(h.aTgt).toBeGreaterThanOrEqual(0);
      expect(h.aTgt).toBeLessThanOrEqual(1);
      // The baseline of a new head is a linear probe on θ₀'s pooled features; the gain is in accuracy, retention in loss.
      expect(h.aTgtBaseIsProbe).toBe(true);
      expect(h.targetGain).toBeCloseTo(h.aTgt - h.aTgtBase, 10);
      expect(h.retention).toBeCloseTo(h.aPreBase / h.aPre, 10);
    }
    // The terminal table: A_pre in nats (three decimals), A_tgt in percent (one).
    expect(out.stderr).toMatch(/A_pre \d\.\d{3} nats A_tgt \d+\.\d%/);
  });

  it('stores the tokenizer with the base model, reuses it for the same data, and shows the damaged sequences as text', async () => {
    const wb = createWorkbench({ dataDir: newDir(), launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    cleanups.push(() => wb.close());
    const first = await wb.api.launchStudy({ ...tinyText, methods: [{ id: 'vanilla' }] });
    await wb.host.whenIdle();
    const vanilla = await wb.api.getRun(first.runIds[1]);
    expect(vanilla.status).toBe('completed');
    const tokenizer = (vanilla.config as { baseModel: { tokenizer: { symbols: string[]; version: number } } }).baseModel.tokenizer;
    expect(tokenizer.version).toBe(1);
    expect(tokenizer.symbols).toEqual(expect.arrayContaining(['a', 'W', ',']));
    const again = await wb.api.checkStudy(tinyText);
    expect(again.ok && again.reusesBaseModelId).toBe(first.baseModelId);
    // Another vocabulary (characters seen at least 50 times) is another base model.
    const other = await wb.api.checkStudy({ ...tinyText, data: { ...(tinyText.data as object), minCharCount: 50 } });
    expect(other.ok && other.reusesBaseModelId).toBeNull();
    const forgotten = await wb.api.forgottenSamples(vanilla.id, 3);
    expect(forgotten.available).toBe(true);
    expect(forgotten.lossRise).toBe(0.1);
    expect(forgotten.total).toBe(Math.round(vanilla.headline!.cdAbs * 16));
    expect(forgotten.sequences.length).toBe(Math.min(3, forgotten.total));
    for (const s of forgotten.sequences) {
      expect(s.lossAfter - s.lossBefore).toBeGreaterThan(0.1);
      expect(s.text.length).toBeGreaterThan(40);
    }
    const rises = forgotten.sequences.map((s) => s.lossAfter - s.lossBefore);
    expect(rises).toEqual([...rises].sort((a, b) => b - a));
    const models = await wb.api.listBaseModels();
    expect(models[0].name).toBe('CHAR-GPT on Moby Dick');
  });
});
