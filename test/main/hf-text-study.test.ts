import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, StudyCheck } from '../../src-shared/api';
import { textDataSchema, type StudyConfigInput } from '../../src-shared/config';
import type { ImportedModelSummary } from '../../src-shared/datasets';
import { STORE_FILE } from '../../src-main/db/connection';
import { HfTextTokenizer } from '../../src-main/engine/data/hf-text-tokenizer';
import { buildImportedTextStudyData, tokenStream } from '../../src-main/engine/data/imported-text-study-data';
import { maskTokensOf } from '../../src-main/engine/data/masked-lm-windows';
import { splitDocuments, textTask } from '../../src-main/engine/data/text-study-data';
import { storedTokenizer } from '../../src-main/store-read/stored-tokenizer';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir } from './helpers';
import { writeSafetensors } from './safetensors-fixtures';

const FIXTURES = join(__dirname, '..', 'fixtures');
const GOLDEN = join(FIXTURES, 'golden', 'hf');

describe('a study of an imported GPT-2 on the built-in text, tokenised with its own tokenizer', () => {
  let wb: Workbench;
  let remove: () => void;
  let storeFile: string;
  let gpt2: ImportedModelSummary;
  let bert: ImportedModelSummary;
  let cnn: ImportedModelSummary;

  const issuesOf = (check: StudyCheck) => (check.ok ? [] : check.issues).join('\n');
  /** A few dozen windows of Moby Dick (retention) and modern speeches (target): seconds. */
  const study = (over: Partial<StudyConfigInput> = {}): StudyConfigInput => ({
    name: 'gpt2-tiny on modern speeches',
    baseModel: { imported: gpt2.id },
    data: { source: 'text', trainSequences: 32, evalSequences: 16 },
    target: { task: 'sotu-late' },
    methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: 2, layers: 'attention', head: 'frozen' } }],
    budget: { epochs: 1, batchSize: 16, learningRate: 3e-3, evalsPerEpoch: 1 },
    backend: 'wasm',
    ...over,
  });

  /** Launches a study, waits for its runs and checks every one completed. */
  async function completedRuns(config: StudyConfigInput): Promise<RunDetail[]> {
    const launched = await wb.api.launchStudy(config);
    await wb.host.whenIdle();
    const runs = await Promise.all(launched.runIds.map((id) => wb.api.getRun(id)));
    expect(runs.map((r) => [r.status, r.error])).toEqual(runs.map(() => ['completed', null]));
    return runs;
  }

  /** Imports the golden BERT without the tensors whose names match `leaveOut` (another kind of checkpoint than the golden one). */
  async function importWithout(leaveOut: RegExp, name: string): Promise<ImportedModelSummary> {
    const folder = mkdtempSync(join(tmpdir(), 'bert-model-'));
    cpSync(join(GOLDEN, 'bert-tiny'), folder, { recursive: true });
    const file = readFileSync(join(folder, 'model.safetensors'));
    const size = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.subarray(8, 8 + size).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const kept = Object.entries(header).filter(([tensor]) => tensor !== '__metadata__' && !leaveOut.test(tensor));
    writeSafetensors(
      join(folder, 'model.safetensors'),
      Object.fromEntries(
        kept.map(([tensor, t]) => [
          tensor,
          { dtype: t.dtype, shape: t.shape, bytes: file.subarray(8 + size + t.data_offsets[0], 8 + size + t.data_offsets[1]) },
        ]),
      ),
    );
    const model = await wb.api.importModel({ kind: 'path', path: folder }, name);
    rmSync(folder, { recursive: true, force: true });
    return model;
  }

  beforeAll(async () => {
    const dir = tempDataDir();
    remove = dir.remove;
    storeFile = join(dir.dir, STORE_FILE);
    wb = createWorkbench({ dataDir: dir.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    gpt2 = await wb.api.importModel({ kind: 'path', path: join(GOLDEN, 'gpt2-tiny') }, 'gpt2-tiny');
    bert = await wb.api.importModel({ kind: 'path', path: join(GOLDEN, 'bert-tiny') }, 'bert-tiny');
    cnn = await wb.api.importModel({ kind: 'path', path: join(FIXTURES, 'models', 'cnn') }, 'digit CNN');
  });

  afterAll(() => {
    wb?.close();
    remove?.();
  });

  it('tokenises both corpora with the stored tokenizer: the ids are its own encode of each document, joined by <|endoftext|>, all inside the vocabulary', () => {
    // Read as the engine reads it: the store file, opened read-only.
    const stored = storedTokenizer(storeFile, gpt2.id);
    expect(stored.json).toEqual(JSON.parse(readFileSync(join(GOLDEN, 'gpt2-tiny', 'tokenizer.json'), 'utf8')));
    const tok = new HfTextTokenizer(gpt2.id, stored, 97);
    const data = textDataSchema.parse({ source: 'text', trainSequences: 32, evalSequences: 16 });
    const splits = buildImportedTextStudyData(data, 'sotu-late', tok, 32, null);
    // The reference: the tokenizer itself on the same documents, as @huggingface/tokenizers reads the checkpoint's file.
    const own = new Tokenizer(stored.json, stored.config);
    const docs = splitDocuments(textTask('sotu-late').target, data, 1).eval.slice(0, 3);
    const reference = docs.flatMap((d, i) => [...(i ? [96] : []), ...own.encode(d.text, { add_special_tokens: false }).ids]);
    const stream = tokenStream(docs, tok, Infinity);
    expect(Array.from(stream)).toEqual(reference);
    const { targetEval, pretrainTrain } = splits;
    expect(targetEval.shape).toEqual([32, 1, 1]);
    expect(targetEval.tokenizer).toBe(`hf-${gpt2.id}`);
    // Evaluation windows are spread over the stream of the first documents that hold 8 times the tokens they need.
    const needed = tokenStream(splitDocuments(textTask('sotu-late').target, data, 1).eval, tok, 8 * 16 * 33);
    const span = needed.length - 32;
    for (const i of [0, 7, 15]) {
      const start = Math.floor((i * span) / 16);
      expect(Array.from(targetEval.x.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(needed.subarray(start, start + 32)));
      expect(Array.from(targetEval.nextTokens!.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(needed.subarray(start + 1, start + 33)));
    }
    for (const set of [pretrainTrain, targetEval]) {
      expect(Math.max(...set.x)).toBeLessThan(97);
      expect(Math.min(...set.x)).toBeGreaterThanOrEqual(0);
    }
    // Moby Dick's em dashes and curly quotes are outside this vocabulary: the tokenizer drops them, no id escapes.
    expect(Array.from(tok.encode('whale \u2014 \u201cho\u201d'))).toEqual(own.encode('whale \u2014 \u201cho\u201d', { add_special_tokens: false }).ids);
    expect(tok.decode(tok.encode('the whale'))).toBe('the whale');
    // A tokenizer with ids the model cannot embed is refused, not fed to the embedding.
    expect(() => new HfTextTokenizer(gpt2.id, stored, 50).encode('whale')).toThrow(/gave token id \d+, outside the model's vocabulary of 50/);
  });

  it('runs vanilla and LoRA (c_attn/c_proj) through the host: both complete with finite mean token losses', async () => {
    const check = await wb.api.checkStudy(study());
    expect(issuesOf(check)).toBe('');
    expect(check.ok && check.baseModels.toPretrain).toBe(0);
    const launched = await wb.api.launchStudy(study());
    expect(launched.pretrainRunId).toBeNull();
    expect(launched.baseModelId).toBe(gpt2.id);
    await wb.host.whenIdle();
    const runs = await Promise.all(launched.runIds.map((id) => wb.api.getRun(id)));
    expect(runs.map((r) => [r.status, r.error])).toEqual([
      ['completed', null],
      ['completed', null],
    ]);
    for (const run of runs) {
      const h = run.headline!;
      // Mean token losses (nats) of a random-weight model over 97 tokens: near ln 97 ≈ 4.57.
      for (const v of [h.aPreBase, h.aPre, h.aTgtBase, h.aTgt]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(1);
        expect(v).toBeLessThan(8);
      }
      expect(run.config!.baseModel.recipe).toBe('imported');
      expect(run.config!.baseModel.tokenizer).toBeUndefined();
    }
    // Fine-tuning on the speeches lowers their loss.
    expect(runs[0].headline!.aTgt).toBeLessThan(runs[0].headline!.aTgtBase);
    // The Moby Dick windows whose loss moved are read back as text with the checkpoint's tokenizer.
    const moved = await wb.api.forgottenSamples(runs[0].id, 2);
    expect(moved.available).toBe(true);
    for (const s of moved.sequences) expect(s.text).toMatch(/^[\x20-\x7e]{32,}$/);
  });

  it('measures a generality suite of Moby Dick and the spam corpus with the checkpoint’s tokenizer: Moby Dick is L_pre’s own set, spam another', async () => {
    const [run] = await completedRuns(study({ methods: [{ id: 'vanilla' }], generality: ['moby-dick', 'spam-assassin'] }));
    expect(run.logs.join('\n')).toMatch(/generality suite: Moby Dick \(16\), SpamAssassin mail \(16\)/);
    const h = run.headline!;
    const [moby, spam] = h.generality!;
    // Held-out Moby Dick windows are the pretrain eval windows cut from another order of the same chapters: close to L_pre, not equal.
    expect(Math.abs(moby.base - h.aPreBase)).toBeLessThan(0.5);
    expect(spam.set).toBe('spam-assassin');
    for (const g of [moby, spam]) {
      expect(g.base).toBeGreaterThan(1);
      expect(g.retention).toBeCloseTo(g.base / g.final, 12);
    }
    for (const p of run.evaluations) expect(Object.keys(p.generality!)).toEqual(['moby-dick', 'spam-assassin']);
  });

  it('studies a BERT checkpoint by masked-token loss: [CLS] window [SEP], 15% of tokens scored, the same masks at every evaluation', async () => {
    const data = textDataSchema.parse({ source: 'text', trainSequences: 32, evalSequences: 16 });
    const tok = new HfTextTokenizer(bert.id, storedTokenizer(storeFile, bert.id), 89);
    const masks = maskTokensOf(tok);
    const build = () => buildImportedTextStudyData(data, 'sotu-late', tok, 24, masks);
    const { pretrainEval, targetTrain } = build();
    expect(build().pretrainEval.x).toEqual(pretrainEval.x);
    let scored = 0;
    for (const set of [pretrainEval, targetTrain]) {
      for (let i = 0; i < set.n; i++) {
        const row = Array.from(set.x.subarray(i * 24, (i + 1) * 24));
        const targets = Array.from(set.nextTokens!.subarray(i * 24, (i + 1) * 24));
        expect([row[0], row[23]]).toEqual([masks.cls, masks.sep]);
        expect([targets[0], targets[23]]).toEqual([-1, -1]);
        expect(targets.some((t) => t >= 0)).toBe(true);
        scored += targets.filter((t) => t >= 0).length;
        // A scored position holds [MASK], a random ordinary token or its own token; an unscored one its own.
        targets.forEach((t, j) => t >= 0 && row[j] !== masks.mask && row[j] !== t && expect(masks.specials).not.toContain(row[j]));
      }
    }
    expect(scored / (48 * 22)).toBeGreaterThan(0.1);
    expect(scored / (48 * 22)).toBeLessThan(0.22);

    const runs = await completedRuns(study({ baseModel: { imported: bert.id }, generality: ['moby-dick', 'spam-assassin'] }));
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.config!.baseModel.imported!.objective).toBe('masked-lm');
      const h = run.headline!;
      // Masked-token losses of a random-weight model over 89 tokens: near ln 89 ≈ 4.49.
      for (const v of [h.aPreBase, h.aPre, h.aTgtBase, h.aTgt, ...h.generality!.map((g) => g.final)]) {
        expect(v).toBeGreaterThan(2);
        expect(v).toBeLessThan(8);
      }
    }
    expect(runs[0].headline!.aTgt).toBeLessThan(runs[0].headline!.aTgtBase);
  });

  it('fine-tunes the BERT into a spam filter (moby-spam): documents as [CLS] text [SEP] [PAD]…, masked-token retention on Moby Dick, accuracy through the pooler', async () => {
    const data = textDataSchema.parse({ source: 'text', trainSequences: 32, evalSequences: 16 });
    const tok = new HfTextTokenizer(bert.id, storedTokenizer(storeFile, bert.id), 89);
    const masks = maskTokensOf(tok);
    const split = buildImportedTextStudyData(data, 'moby-spam', tok, 24, masks);
    expect(split.sameHead).toBe(false);
    // The pretrain side: masked-LM windows of Moby Dick; the target: labelled documents.
    expect(split.pretrainEval.nextTokens).toBeDefined();
    expect(split.targetTrain.nextTokens).toBeUndefined();
    expect([...new Set(split.targetTrain.y)].sort()).toEqual([0, 1]);
    const pad = tok.tokenId('[PAD]')!;
    for (let i = 0; i < split.targetEval.n; i++) {
      const row = Array.from(split.targetEval.x.subarray(i * 24, (i + 1) * 24));
      const end = row.indexOf(masks.sep);
      expect(row[0]).toBe(masks.cls);
      expect(end).toBeGreaterThan(0);
      expect(row.slice(end + 1).every((t) => t === pad)).toBe(true);
    }

    const methods = [
      { id: 'vanilla' },
      { id: 'linear-probe' },
      { id: 'rehearsal' },
      { id: 'ewc' },
      { id: 'wiseft' },
      { id: 'lora', params: { rank: 2, layers: 'attention', head: 'frozen' } },
    ];
    // A BertForMaskedLM has no pooler: its classifier's pooler starts fresh and is the new head's, not the backbone θ₀ is compared on.
    const noPooler = await importWithout(/^(bert\.)?pooler\./, 'bert-no-pooler');
    const runs = [
      ...(await completedRuns(study({ baseModel: { imported: bert.id }, target: { task: 'moby-spam' }, methods }))),
      ...(await completedRuns(study({ baseModel: { imported: noPooler.id }, target: { task: 'moby-spam' }, methods }))),
    ];
    expect(runs).toHaveLength(2 * methods.length);
    for (const run of runs) {
      expect([run.metric, run.targetMetric]).toEqual(['loss', 'accuracy']);
      const h = run.headline!;
      // Masked-token losses of a random-weight model over 89 tokens (near ln 89 ≈ 4.49); accuracy a share.
      expect(h.aPre).toBeGreaterThan(2);
      expect(h.aPre).toBeLessThan(8);
      expect(h.aTgt).toBeGreaterThanOrEqual(0);
      expect(h.aTgt).toBeLessThanOrEqual(1);
      expect(h.aTgtBaseIsProbe).toBe(true);
      expect(h.targetGain).toBeCloseTo(h.aTgt - h.aTgtBase, 10);
    }
    // A GPT-2 has no pooled classifier here: refused by the field, before anything runs.
    expect(issuesOf(await wb.api.checkStudy(study({ target: { task: 'moby-spam' } })))).toMatch(
      /^target\.task: 'moby-spam' fine-tunes 'gpt2-tiny' into a classifier on its pooled \[CLS\] token, which only a BERT-family checkpoint has here/,
    );
  });

  it('refuses LoRA on a tied LM head by its field before anything runs, and accepts it with the head frozen', async () => {
    const lora = (head?: string) => study({ methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: 2, ...(head ? { head } : {}) } }] });
    expect(issuesOf(await wb.api.checkStudy(lora()))).toMatch(
      /^methods\.1\.params\.head: 'lora' adapts the pretrain head's kernel, but 'gpt2-tiny' ties its head to the token embeddings \(embed\/tokens\), so it has none: choose 'frozen' \(adapters only\) or 'train'$/,
    );
    expect(issuesOf(await wb.api.checkStudy(lora('frozen')))).toBe('');
    // A sweep over the head fails in its 'lora' runs alike.
    expect(issuesOf(await wb.api.checkStudy(lora(['frozen', 'lora'] as unknown as string)))).toMatch(/^methods\.1\.params\.head: 'lora' adapts/);
  });

  it('refuses a head-only linear probe of a GPT-2 on a language-model task (its tied head without bias has nothing to train), and runs one that trains the last blocks', async () => {
    const probe = (params: Record<string, unknown>) => study({ methods: [{ id: 'linear-probe', params }] });
    expect(issuesOf(await wb.api.checkStudy(probe({})))).toMatch(
      /^methods\.0\.params\.headOnly: a head-only linear probe trains nothing here: 'gpt2-tiny' ties its language-model head to the token embeddings \(embed\/tokens\) and gives it no bias/,
    );
    const [run] = await completedRuns(probe({ headOnly: false, freezeLayers: 4 }));
    expect(run.headline!.aTgt).toBeLessThan(run.headline!.aTgtBase);
  });

  it('refuses a BertModel without its masked-LM head for a text study (its retention would be read through a random head)', async () => {
    // The golden BERT's tensors without cls.* and the classifier: what a BertModel's save_pretrained writes.
    const bare = await importWithout(/^(cls\.|classifier\.)/, 'bert-bare');
    expect(issuesOf(await wb.api.checkStudy(study({ baseModel: { imported: bare.id } })))).toMatch(
      /^baseModel\.imported: 'bert-bare' has no masked-LM head \(a BertModel checkpoint without cls\.predictions\)/,
    );
  });

  it('refuses a model without a tokenizer for a text study, and an imported model on a text classifier', async () => {
    expect(issuesOf(await wb.api.checkStudy(study({ baseModel: { imported: cnn.id } })))).toMatch(
      /^baseModel\.imported: 'digit CNN' has no tokenizer .* needs a Hugging Face GPT-2- or BERT-family checkpoint imported with its tokenizer/,
    );
    expect(issuesOf(await wb.api.checkStudy(study({ target: { task: 'spam-later' } })))).toMatch(
      /target\.task: an imported model is studied on datasets of the library: set target\.task to 'dataset' \(not 'spam-later'\); a GPT-2- or BERT-family checkpoint also on a language-model text task \(sotu, sotu-early, sotu-late; a BERT also fine-tuned into a classifier: moby-spam\)/,
    );
  });
});
