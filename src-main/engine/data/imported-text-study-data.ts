import { targetObjectiveOf, type TargetTask, type TextDataConfig } from '../../../src-shared/config';
import { sharesHead } from '../../../src-shared/tasks/lookup';
import type { CorpusDocument } from '../../../src-shared/tasks/task';
import { Rng } from '../rng';
import type { Dataset } from './dataset';
import type { HfTextTokenizer } from './hf-text-tokenizer';
import { maskedWindows, type MaskTokens } from './masked-lm-windows';
import type { StudyData } from './study-data';
import { lmWindows, splitDocuments, textTask } from './text-study-data';

/**
 * The longest window an imported model reads in a text study: its own context when shorter
 * (gpt2-tiny: 32), else 128 tokens, so that a GPT-2 of context 1024 trains on CPU in minutes, not hours.
 */
export const IMPORTED_TEXT_WINDOW = 128;

/** How many times the tokens its windows need a split tokenises (then windows overlap little), before it stops at a document's end. */
export const TOKEN_POOL_FACTOR = 8;

/** The window length of an imported model of context `context`. */
export function importedTextWindow(context: number): number {
  return Math.min(context, IMPORTED_TEXT_WINDOW);
}

/** What a token stream needs of a tokenizer (an imported checkpoint's, or the character model's): documents are encoded one by one and joined by the separator. */
export interface StreamTokenizer {
  separator: Int32Array;
  encode(text: string): Int32Array;
}

/**
 * The token stream of some documents: each encoded on its own by the checkpoint's tokenizer, in
 * the order given (the split's seeded order), separated by the tokenizer's separator, until the
 * stream holds `needed` tokens or the documents run out. Encoding a whole corpus (SOTU: 10.7 million
 * characters) would take a JavaScript BPE tens of seconds per run for windows that use a fraction of it.
 */
export function tokenStream(docs: CorpusDocument[], tok: StreamTokenizer, needed: number): Int32Array {
  const parts: Int32Array[] = [];
  let length = 0;
  for (const doc of docs) {
    if (length >= needed) break;
    if (parts.length) {
      parts.push(tok.separator);
      length += tok.separator.length;
    }
    const ids = tok.encode(doc.text);
    parts.push(ids);
    length += ids.length;
  }
  const stream = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    stream.set(p, at);
    at += p.length;
  }
  return stream;
}

/**
 * A BERT's classifier inputs: [CLS], the first `window` − 2 tokens of each document, [SEP], then [PAD] (which
 * attention skips), at most `count` documents in the split's order, labelled by the task.
 */
function bertDocuments(
  docs: CorpusDocument[],
  count: number,
  label: (d: CorpusDocument) => number,
  classes: number[],
  tok: HfTextTokenizer,
  window: number,
  special: MaskTokens,
  name: string,
): Dataset {
  const pad = tok.tokenId('[PAD]');
  if (pad === undefined) throw new Error(`The tokenizer of ${tok.id} has no [PAD] token: a BERT classifier pads its documents with it`);
  const chosen = docs.slice(0, count);
  const x = new Float32Array(chosen.length * window).fill(pad);
  chosen.forEach((d, i) => {
    const ids = tok.encode(d.text).subarray(0, window - 2);
    x[i * window] = special.cls;
    x.set(ids, i * window + 1);
    x[i * window + 1 + ids.length] = special.sep;
  });
  return { name, x, y: Int32Array.from(chosen, label), n: chosen.length, shape: [window, 1, 1], classes, tokenizer: tok.id };
}

/**
 * The four splits of a study on an imported checkpoint: the task's corpora split by document as for the
 * character model (same seeds, so the same documents), tokenised with the checkpoint's own tokenizer.
 * The pretrain side is cut into windows of `window` tokens + 1 (next-token, or masked-token for a BERT);
 * a target learned as a classifier (a BERT fine-tuned into a spam filter) reads whole documents.
 */
export function buildImportedTextStudyData(data: TextDataConfig, id: TargetTask, tok: HfTextTokenizer, window: number, masked: MaskTokens | null): StudyData {
  const task = textTask(id);
  if (task.objective !== 'language-model')
    throw new Error(
      `The task '${id}' is a text classifier; an imported checkpoint is studied on tasks whose pretrain side is its language model (next-token or masked-token loss)`,
    );
  const [pre, tgt] = [splitDocuments(task.pretrain, data, 0), splitDocuments(task.target, data, 1)];
  // Each split draws its own masks (salt), the same every time the study is built.
  const windows = (docs: CorpusDocument[], count: number, random: Rng | null, name: string, salt: number) =>
    importedWindows(tokenStream(docs, tok, TOKEN_POOL_FACTOR * count * (window + 1)), count, random, window, name, tok.id, masked, data.splitSeed + salt);
  const classifier = targetObjectiveOf(id) === 'classification';
  if (classifier && !(masked && task.classOf))
    throw new Error(
      `The task '${id}' fine-tunes a classifier on the pooled [CLS] token; only a BERT-family checkpoint has one here (a GPT-2 is studied on language-model tasks)`,
    );
  const documents = (docs: CorpusDocument[], count: number, name: string) =>
    bertDocuments(docs, count, task.classOf!, task.classes.target, tok, window, masked!, name);
  return {
    sameHead: sharesHead(task) === true,
    labels: { pretrain: task.pretrainedOn, target: task.id },
    pretrainTrain: windows(pre.train, data.trainSequences, new Rng(data.splitSeed + 2), 'pretrain train', 11),
    pretrainEval: windows(pre.eval, data.evalSequences, null, 'pretrain eval', 12),
    targetTrain: classifier
      ? documents(tgt.train, data.trainSequences, 'target train')
      : windows(tgt.train, data.trainSequences, new Rng(data.splitSeed + 3), 'target train', 13),
    targetEval: classifier ? documents(tgt.eval, data.evalSequences, 'target eval') : windows(tgt.eval, data.evalSequences, null, 'target eval', 14),
  };
}

/** An imported checkpoint's windows of a token stream: next-token windows for a causal LM, masked-LM windows (masks from `maskSeed`) for a BERT. */
export function importedWindows(
  stream: Int32Array,
  count: number,
  random: Rng | null,
  window: number,
  name: string,
  tokenizer: string,
  masked: MaskTokens | null,
  maskSeed: number,
): Dataset {
  return masked ? maskedWindows(stream, count, random, window, name, tokenizer, masked, maskSeed) : lmWindows(stream, count, random, window, name, tokenizer);
}
