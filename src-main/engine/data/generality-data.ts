import type { BaseModelSpec, DigitsDataConfig, TargetTask, TextDataConfig } from '../../../src-shared/config';
import { generalitySetOf, type GeneralitySetId } from '../../../src-shared/generality';
import type { CorpusDocument, CorpusId } from '../../../src-shared/tasks/task';
import type { StoreSource } from '../../store-read/stored-datasets';
import { storedTokenizer } from '../../store-read/stored-tokenizer';
import { TRANSFORMER_RECIPES } from '../models/recipes';
import { Rng } from '../rng';
import { CharTokenizer, tokenizerId } from './char-tokenizer';
import type { Dataset } from './dataset';
import { digitsSplit, takeClasses } from './digits-study-data';
import { HfTextTokenizer } from './hf-text-tokenizer';
import { importedTextWindow, importedWindows, TOKEN_POOL_FACTOR, tokenStream, type StreamTokenizer } from './imported-text-study-data';
import { maskTokensOf, type MaskTokens } from './masked-lm-windows';
import { corpus } from './text-corpora';
import { splitDocuments, textTask } from './text-study-data';

/** One set of a generality suite, ready to evaluate with the pretrain head. */
export interface GeneralityData {
  set: GeneralitySetId;
  data: Dataset;
}

// Fixed seeds and sizes of the digit shifts, part of each set's definition in src-shared/generality.ts.
const NOISE_SIGMA = 0.3;
const SHIFT_PIXELS = 3;
const NOISE_SALT = 101;
const TEXT_ORDER_SALT = 7;
const MASK_SALT = 15;

/** Each image of a dataset passed through `change` (a copy). */
function mapImages(data: Dataset, name: string, change: (image: Float32Array, out: Float32Array) => void): Dataset {
  const d = data.shape[0] * data.shape[1] * data.shape[2];
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < data.n; i++) change(data.x.subarray(i * d, (i + 1) * d), x.subarray(i * d, (i + 1) * d));
  return { ...data, x, name };
}

/** Gaussian pixel noise (Box–Muller from the seeded generator), clipped to [0, 1]. */
function noisy(data: Dataset, seed: number): Dataset {
  const rng = new Rng(seed);
  return mapImages(data, 'generality: noisy digits', (image, out) => {
    for (let j = 0; j < image.length; j++) {
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      out[j] = Math.min(1, Math.max(0, image[j] + NOISE_SIGMA * z));
    }
  });
}

/** Every image moved SHIFT_PIXELS right and down; the uncovered border is 0 (the digits' background). */
function shifted(data: Dataset): Dataset {
  const [h, w, c] = data.shape;
  return mapImages(data, 'generality: shifted digits', (image, out) => {
    for (let r = SHIFT_PIXELS; r < h; r++)
      for (let col = SHIFT_PIXELS; col < w; col++)
        for (let k = 0; k < c; k++) out[(r * w + col) * c + k] = image[((r - SHIFT_PIXELS) * w + col - SHIFT_PIXELS) * c + k];
  });
}

/** A digits set: the pretrain eval digits as they are or shifted, or the target pool's held-out digits upright (pretrain classes only). */
function digitsSet(id: GeneralitySetId, data: DigitsDataConfig, pretrainClasses: number[]): Dataset {
  const { all, pretrainEval, targetEval } = digitsSplit(data);
  if (id === 'unseen-upright') return takeClasses(all, targetEval, pretrainClasses, 'generality: unseen upright digits');
  const upright = takeClasses(all, pretrainEval, pretrainClasses, 'generality: upright digits');
  if (id === 'noisy-digits') return noisy(upright, data.splitSeed + NOISE_SALT);
  if (id === 'shifted-digits') return shifted(upright);
  return upright;
}

/**
 * The documents of a corpus that a text study trains on nowhere (neither in the pretrain training split nor in
 * the target training split of any of its tasks, split exactly as the study splits them), in a seeded order: for
 * the pretrain corpus its held-out documents, for a corpus no task reads all of it.
 */
export function heldOutDocuments(id: CorpusId, tasks: readonly TargetTask[], data: TextDataConfig): CorpusDocument[] {
  // The pretrain corpus is every task's (a sequence shares one base model); each stage trains on its own target split.
  const trained = new Set([
    ...splitDocuments(textTask(tasks[0]).pretrain, data, 0).train,
    ...tasks.flatMap((task) => splitDocuments(textTask(task).target, data, 1).train),
  ]);
  const docs = corpus(id).filter((d) => !trained.has(d));
  const order = new Rng(data.splitSeed + TEXT_ORDER_SALT).permutation(docs.length);
  return Array.from(order, (i) => docs[i]);
}

/** How a text base model reads the built-in text: its tokenizer and window length, and for a BERT its mask tokens. */
interface TextReader {
  tok: StreamTokenizer;
  id: string;
  window: number;
  masked: MaskTokens | null;
}

/** The tokenizer, its id and the window length a text base model reads the built-in text with. */
function textReader(base: Pick<BaseModelSpec, 'recipe' | 'tokenizer' | 'imported'>, store: StoreSource | undefined): TextReader {
  if (base.imported) {
    if (!store) throw new Error(`The generality suite of the imported model '${base.imported.id}' needs the store, which holds its tokenizer`);
    const tok = new HfTextTokenizer(base.imported.id, storedTokenizer(store, base.imported.id), base.imported.headUnits);
    const masked = base.imported.objective === 'masked-lm' ? maskTokensOf(tok) : null;
    return { tok, id: tok.id, window: importedTextWindow(base.imported.inputShape[0]), masked };
  }
  const recipe = TRANSFORMER_RECIPES[base.recipe];
  if (!recipe || !base.tokenizer) throw new Error(`A text generality set needs a text base model with a tokenizer; '${base.recipe}' is not one`);
  const chars = new CharTokenizer(base.tokenizer);
  return { tok: { separator: chars.encode(' '), encode: (text) => chars.encode(text) }, id: tokenizerId(base.tokenizer), window: recipe.context, masked: null };
}

/**
 * The datasets of a study's generality suite, built for its base model: digit sets from the study's own
 * split, text sets as evenly spread next-token (a BERT: masked-LM) windows, data.evalSequences of them like
 * the pretrain eval set, over held-out documents tokenised with the model's own tokenizer.
 */
export function buildGeneralityData(
  base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer' | 'imported' | 'classes'>,
  tasks: readonly TargetTask[],
  sets: readonly GeneralitySetId[],
  store?: StoreSource,
): GeneralityData[] {
  if (!sets.length) return [];
  const { data } = base;
  if (data.source === 'mnist-digits') return sets.map((set) => ({ set, data: digitsSet(set, data, base.classes) }));
  if (data.source !== 'text') throw new Error(`Generality suites are measured on the built-in digits and text; this study reads ${data.source} data`);
  const reader = textReader(base, store);
  return sets.map((set) => {
    const { corpus: id, label } = generalitySetOf(set);
    if (!id) throw new Error(`The generality set '${set}' is not a text set`);
    const count = data.evalSequences;
    const stream = tokenStream(heldOutDocuments(id, tasks, data), reader.tok, TOKEN_POOL_FACTOR * count * (reader.window + 1));
    const name = `generality: ${label}`;
    return { set, data: importedWindows(stream, count, null, reader.window, name, reader.id, reader.masked, data.splitSeed + MASK_SALT) };
  });
}
