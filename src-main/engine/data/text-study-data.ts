import { targetObjectiveOf, type Objective, type TargetTask, type TextDataConfig, type TokenizerSpec } from '../../../src-shared/config';
import { sharesHead, taskOf } from '../../../src-shared/tasks/lookup';
import type { CorpusDocument, CorpusSelection, TextTask } from '../../../src-shared/tasks/task';
import { Rng } from '../rng';
import { buildCharTokenizer, CharTokenizer, PAD_TOKEN, tokenizerId } from './char-tokenizer';
import type { Dataset } from './dataset';
import { corpus } from './text-corpora';
import type { StudyData } from './study-data';

/** A text task's definition (its corpora, documents and labels). */
export function textTask(id: TargetTask): TextTask {
  const task = taskOf(id);
  if (task.domain !== 'text') throw new Error(`Task '${id}' is not a text task`);
  return task;
}

/** A selection's documents split by document (seeded): evaluation first `evalShare`, training the rest. */
export function splitDocuments(source: CorpusSelection, data: TextDataConfig, salt: number): { train: CorpusDocument[]; eval: CorpusDocument[] } {
  const docs = source.keep ? corpus(source.corpus).filter(source.keep) : corpus(source.corpus);
  const order = new Rng(data.splitSeed + salt).permutation(docs.length);
  const nEval = Math.max(1, Math.round(docs.length * data.evalShare));
  const pick = (rows: Int32Array) => Array.from(rows, (i) => docs[i]);
  return { eval: pick(order.subarray(0, nEval)), train: pick(order.subarray(nEval)) };
}

/** The tokenizer of a text task's base model: every character seen `minCharCount` times in the pretrain training documents. */
export function textTokenizerFor(data: TextDataConfig, task: TargetTask): TokenizerSpec {
  return buildCharTokenizer(
    splitDocuments(textTask(task).pretrain, data, 0).train.map((d) => d.text),
    data.minCharCount,
  );
}

/**
 * Language-model sequences of a token stream, in windows of T+1 tokens; x holds the first T,
 * nextTokens the last T. Training windows start at seeded random offsets; evaluation windows are
 * spread evenly, so every evaluation sees the same text. `tokenizer` is the id the datasets carry.
 */
export function lmWindows(stream: Int32Array, count: number, random: Rng | null, t: number, name: string, tokenizer: string): Dataset {
  if (stream.length < t + 1) throw new Error(`${name}: the text has ${stream.length} tokens, fewer than one sequence of ${t + 1}`);
  const span = stream.length - t;
  const x = new Float32Array(count * t);
  const nextTokens = new Int32Array(count * t);
  for (let i = 0; i < count; i++) {
    const start = random ? Math.floor(random.next() * span) : Math.floor((i * span) / count);
    for (let j = 0; j < t; j++) {
      x[i * t + j] = stream[start + j];
      nextTokens[i * t + j] = stream[start + j + 1];
    }
  }
  return { name, x, y: new Int32Array(count), n: count, shape: [t, 1, 1], classes: [0], nextTokens, tokenizer };
}

/** Character-model sequences: the documents joined by spaces, one token per character, cut by lmWindows. */
function lmSequences(docs: CorpusDocument[], count: number, random: Rng | null, tok: CharTokenizer, t: number, name: string): Dataset {
  return lmWindows(tok.encode(docs.map((d) => d.text).join(' ')), count, random, t, name, tokenizerId(tok.spec));
}

/** The first T token ids of each (normalised) text, padded: a classifier's input rows, [texts, T]. */
export function paddedTokens(texts: string[], tok: CharTokenizer, t: number): Float32Array {
  const x = new Float32Array(texts.length * t).fill(PAD_TOKEN);
  texts.forEach((text, i) => x.set(tok.encode(text).subarray(0, t), i * t));
  return x;
}

/** Classifier sequences: the first T tokens of each document (padded), at most `count` documents, labelled by the task. */
function documentSequences(
  docs: CorpusDocument[],
  count: number,
  label: (d: CorpusDocument) => number,
  classes: number[],
  tok: CharTokenizer,
  t: number,
  name: string,
): Dataset {
  const chosen = docs.slice(0, count);
  const x = paddedTokens(
    chosen.map((d) => d.text),
    tok,
    t,
  );
  return { name, x, y: Int32Array.from(chosen, label), n: chosen.length, shape: [t, 1, 1], classes, tokenizer: tokenizerId(tok.spec) };
}

/**
 * The four splits of a text study, tokenised with the base model's tokenizer; `context` is the model's T.
 * Each side is read as its objective says: language-model windows, or labelled documents (a language
 * model fine-tuned into a classifier reads windows of its pretrain text and documents of its target).
 */
export function buildTextStudyData(data: TextDataConfig, id: TargetTask, tokenizer: TokenizerSpec, context: number): StudyData {
  const tok = new CharTokenizer(tokenizer);
  const task = textTask(id);
  const [pre, tgt] = [splitDocuments(task.pretrain, data, 0), splitDocuments(task.target, data, 1)];
  const label = task.classOf;
  const side = (objective: Objective, docs: CorpusDocument[], count: number, random: Rng | null, classes: number[], name: string): Dataset => {
    if (objective === 'language-model') return lmSequences(docs, count, random, tok, context, name);
    if (!label) throw new Error(`The text classification task '${id}' declares no classOf for its documents`);
    return documentSequences(docs, count, label, classes, tok, context, name);
  };
  const { pretrain, target } = task.classes;
  const targetObjective = targetObjectiveOf(id);
  return {
    sameHead: sharesHead(task) === true,
    labels: { pretrain: task.pretrainedOn, target: task.id },
    pretrainTrain: side(task.objective, pre.train, data.trainSequences, new Rng(data.splitSeed + 2), pretrain, 'pretrain train'),
    pretrainEval: side(task.objective, pre.eval, data.evalSequences, null, pretrain, 'pretrain eval'),
    targetTrain: side(targetObjective, tgt.train, data.trainSequences, new Rng(data.splitSeed + 3), target, 'target train'),
    targetEval: side(targetObjective, tgt.eval, data.evalSequences, null, target, 'target eval'),
  };
}
