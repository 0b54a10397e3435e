import type { TargetTask, TextDataConfig, TokenizerSpec } from '../../../src-shared/config';
import { TASK_KIND } from '../../../src-shared/config';
import { Rng } from '../rng';
import { buildCharTokenizer, CharTokenizer, PAD_TOKEN, tokenizerId } from './char-tokenizer';
import type { Dataset } from './dataset';
import { corpus, type CorpusDocument, type CorpusId } from './text-corpora';
import type { StudyData } from './study-data';

/** A selection of documents of one corpus; `label` gives a classifier's class (ham 0 / spam 1). */
interface Source {
  corpus: CorpusId;
  keep: (d: CorpusDocument) => boolean;
  label: (d: CorpusDocument) => number;
}

const none = () => 0;
const all = () => true;
const isSpam = (d: CorpusDocument) => Number(d.group.startsWith('spam'));

/**
 * Which documents each text task pretrains on and targets. Language models pretrain on Moby Dick and
 * move to State of the Union addresses (all, before 1900, or from 1945 on); the spam classifier
 * pretrains on the first SpamAssassin collections and moves to the later ones, whose hard ham reads
 * like spam and whose spam is newer (the same labels, a shifted distribution).
 */
const TEXT_TASKS: Partial<Record<TargetTask, { pretrain: Source; target: Source }>> = {
  sotu: { pretrain: { corpus: 'moby-dick', keep: all, label: none }, target: { corpus: 'sotu', keep: all, label: none } },
  'sotu-early': { pretrain: { corpus: 'moby-dick', keep: all, label: none }, target: { corpus: 'sotu', keep: (d) => d.year! < 1900, label: none } },
  'sotu-late': { pretrain: { corpus: 'moby-dick', keep: all, label: none }, target: { corpus: 'sotu', keep: (d) => d.year! >= 1945, label: none } },
  'spam-later': {
    pretrain: { corpus: 'spam-assassin', keep: (d) => d.group === 'easy-ham-1' || d.group === 'spam-1', label: isSpam },
    target: { corpus: 'spam-assassin', keep: (d) => d.group !== 'easy-ham-1' && d.group !== 'spam-1', label: isSpam },
  },
};

function sourcesOf(task: TargetTask): { pretrain: Source; target: Source } {
  const sources = TEXT_TASKS[task];
  if (!sources) throw new Error(`Task '${task}' is not a text task`);
  return sources;
}

/** A source's documents split by document (seeded): evaluation first `evalShare`, training the rest. */
function splitDocuments(source: Source, data: TextDataConfig, salt: number): { train: CorpusDocument[]; eval: CorpusDocument[] } {
  const docs = corpus(source.corpus).filter(source.keep);
  const order = new Rng(data.splitSeed + salt).permutation(docs.length);
  const nEval = Math.max(1, Math.round(docs.length * data.evalShare));
  const pick = (rows: Int32Array) => Array.from(rows, (i) => docs[i]);
  return { eval: pick(order.subarray(0, nEval)), train: pick(order.subarray(nEval)) };
}

/** The tokenizer of a text task's base model: every character seen `minCharCount` times in the pretrain training documents. */
export function textTokenizerFor(data: TextDataConfig, task: TargetTask): TokenizerSpec {
  return buildCharTokenizer(splitDocuments(sourcesOf(task).pretrain, data, 0).train.map((d) => d.text), data.minCharCount);
}

/**
 * Language-model sequences: the documents joined by spaces, cut into windows of T+1 tokens; x holds
 * the first T, nextTokens the last T. Training windows start at seeded random offsets; evaluation
 * windows are spread evenly, so every evaluation sees the same text.
 */
function lmSequences(docs: CorpusDocument[], count: number, random: Rng | null, tok: CharTokenizer, t: number, name: string): Dataset {
  const stream = tok.encode(docs.map((d) => d.text).join(' '));
  if (stream.length < t + 1) throw new Error(`${name}: the text has ${stream.length} characters, fewer than one sequence of ${t + 1}`);
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
  return { name, x, y: new Int32Array(count), n: count, shape: [t, 1, 1], classes: [0], nextTokens, tokenizer: tokenizerId(tok.spec) };
}

/** The first T token ids of each (normalised) text, padded: a classifier's input rows, [texts, T]. */
export function paddedTokens(texts: string[], tok: CharTokenizer, t: number): Float32Array {
  const x = new Float32Array(texts.length * t).fill(PAD_TOKEN);
  texts.forEach((text, i) => x.set(tok.encode(text).subarray(0, t), i * t));
  return x;
}

/** Classifier sequences: the first T tokens of each document (padded), at most `count` documents, labelled by the source. */
function documentSequences(docs: CorpusDocument[], count: number, source: Source, tok: CharTokenizer, t: number, name: string): Dataset {
  const chosen = docs.slice(0, count);
  const x = paddedTokens(chosen.map((d) => d.text), tok, t);
  return { name, x, y: Int32Array.from(chosen, source.label), n: chosen.length, shape: [t, 1, 1], classes: [0, 1], tokenizer: tokenizerId(tok.spec) };
}

/** The four splits of a text study, tokenised with the base model's tokenizer; `context` is the model's T. */
export function buildTextStudyData(data: TextDataConfig, task: TargetTask, tokenizer: TokenizerSpec, context: number): Omit<StudyData, 'sameHead' | 'labels'> {
  const tok = new CharTokenizer(tokenizer);
  const sources = sourcesOf(task);
  const [pre, tgt] = [splitDocuments(sources.pretrain, data, 0), splitDocuments(sources.target, data, 1)];
  if (TASK_KIND[task].objective === 'language-model') {
    return {
      pretrainTrain: lmSequences(pre.train, data.trainSequences, new Rng(data.splitSeed + 2), tok, context, 'pretrain train'),
      pretrainEval: lmSequences(pre.eval, data.evalSequences, null, tok, context, 'pretrain eval'),
      targetTrain: lmSequences(tgt.train, data.trainSequences, new Rng(data.splitSeed + 3), tok, context, 'target train'),
      targetEval: lmSequences(tgt.eval, data.evalSequences, null, tok, context, 'target eval'),
    };
  }
  return {
    pretrainTrain: documentSequences(pre.train, data.trainSequences, sources.pretrain, tok, context, 'pretrain train'),
    pretrainEval: documentSequences(pre.eval, data.evalSequences, sources.pretrain, tok, context, 'pretrain eval'),
    targetTrain: documentSequences(tgt.train, data.trainSequences, sources.target, tok, context, 'target train'),
    targetEval: documentSequences(tgt.eval, data.evalSequences, sources.target, tok, context, 'target eval'),
  };
}
