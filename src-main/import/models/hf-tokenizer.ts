import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { ModelTokenizerSummary } from '../../../src-shared/datasets';
import { ImportError } from '../import-error';

/** A checkpoint's tokenizer: its tokenizer.json (as the Hub's format has it, built from the older files when that is all there is) and tokenizer_config.json. */
export interface HfTokenizer {
  json: Record<string, unknown>;
  config: Record<string, unknown>;
  summary: ModelTokenizerSummary;
  tokenizer: Tokenizer;
}

function readJson(folder: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  } catch (err) {
    throw new ImportError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ImportError(`${file} does not hold a JSON object`);
  return value as Record<string, unknown>;
}

function special(content: string, id: number) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A BERT WordPiece tokenizer.json from vocab.txt (one token per line, its id the line number), as `BertTokenizerFast` builds it. */
function fromVocabTxt(folder: string, config: Record<string, unknown>): Record<string, unknown> {
  const lines = readFileSync(join(folder, 'vocab.txt'), 'utf8').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab: Record<string, number> = {};
  lines.forEach((token, id) => (vocab[token] ??= id));
  const need = (token: string) => {
    if (vocab[token] === undefined) throw new ImportError(`vocab.txt has no ${token} token, which a BERT tokenizer needs`);
    return vocab[token];
  };
  const [cls, sep] = [need('[CLS]'), need('[SEP]')];
  need('[UNK]');
  return {
    version: '1.0',
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((t) => vocab[t] !== undefined).map((t) => special(t, vocab[t])),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: config.do_lower_case ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', sep], cls: ['[CLS]', cls] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** A GPT-2 byte-level BPE tokenizer.json from vocab.json and merges.txt, as `GPT2TokenizerFast` builds it. */
function fromVocabMerges(folder: string): Record<string, unknown> {
  const vocab = readJson(folder, 'vocab.json');
  if (!Object.values(vocab).every((id) => Number.isSafeInteger(id) && (id as number) >= 0))
    throw new ImportError('vocab.json must map each token to a token id');
  const merges = readFileSync(join(folder, 'merges.txt'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#version'));
  const bad = merges.findIndex((m) => m.split(' ').length !== 2);
  if (bad >= 0) throw new ImportError(`merges.txt line ${bad + 1} is not two tokens separated by a space`);
  const eos = '<|endoftext|>';
  return {
    version: '1.0',
    added_tokens: vocab[eos] === undefined ? [] : [special(eos, vocab[eos] as number)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab, merges },
  };
}

/**
 * Reads a checkpoint's tokenizer with @huggingface/tokenizers: tokenizer.json, else vocab.txt (BERT)
 * or vocab.json + merges.txt (GPT-2) turned into the tokenizer.json the Hub's fast tokenizers build
 * from them. A text model without one is refused, as is a tokenizer whose ids the model cannot embed.
 */
export function readHfTokenizer(folder: string, family: 'gpt2' | 'bert', modelVocab: number): HfTokenizer {
  const has = (file: string) => existsSync(join(folder, file));
  const config = has('tokenizer_config.json') ? readJson(folder, 'tokenizer_config.json') : {};
  let json: Record<string, unknown>;
  let source: ModelTokenizerSummary['source'];
  if (has('tokenizer.json')) [json, source] = [readJson(folder, 'tokenizer.json'), 'tokenizer.json'];
  else if (family === 'bert' && has('vocab.txt')) [json, source] = [fromVocabTxt(folder, config), 'vocab.txt'];
  else if (family === 'gpt2' && has('vocab.json') && has('merges.txt')) [json, source] = [fromVocabMerges(folder), 'vocab.json + merges.txt'];
  else
    throw new ImportError(
      `${basename(folder)} has no tokenizer: a ${family === 'bert' ? 'BERT' : 'GPT-2'} checkpoint needs tokenizer.json (or ${family === 'bert' ? 'vocab.txt' : 'vocab.json and merges.txt'}) next to config.json to turn text into its token ids`,
    );
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (err) {
    throw new ImportError(`${source} could not be read as a tokenizer: ${(err as Error).message.split('\n')[0]}`);
  }
  const vocab = tokenizer.get_vocab(true);
  const largest = Math.max(...vocab.values());
  if (largest >= modelVocab)
    throw new ImportError(`${source} has token id ${largest}, but config.json's vocab_size is ${modelVocab}: the tokenizer belongs to another model`);
  const specialTokens = [...tokenizer.get_added_tokens_decoder().values()].filter((t) => t.special).map((t) => t.content);
  const padId = ['[PAD]', '<pad>', '<|endoftext|>'].map((t) => vocab.get(t)).find((id) => id !== undefined) ?? 0;
  const model = String((json.model as { type?: unknown } | undefined)?.type ?? 'unknown');
  return { json, config, tokenizer, summary: { source, model, vocabSize: vocab.size, specialTokens, padId } };
}
