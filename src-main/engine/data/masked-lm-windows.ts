import { Rng } from '../rng';
import type { Dataset } from './dataset';
import type { HfTextTokenizer } from './hf-text-tokenizer';

/** Share of a window's inner tokens a masked-LM window scores (BERT's 15%; of those 80% become [MASK], 10% a random token, 10% stay). */
export const MASK_SHARE = 0.15;

/** The target of a position a masked-LM window does not score (the loss skips it). */
export const UNSCORED = -1;

/** The special tokens a masked-LM window needs, and the vocabulary a random replacement is drawn from. */
export interface MaskTokens {
  cls: number;
  sep: number;
  mask: number;
  vocabSize: number;
  /** Ids a random replacement never takes: the special tokens (a [PAD] would hide the position from attention). */
  specials: number[];
}

/** A BERT tokenizer's [CLS], [SEP] and [MASK] ids; a tokenizer without them cannot make masked-LM windows, and says which it lacks. */
export function maskTokensOf(tok: HfTextTokenizer): MaskTokens {
  const ids = { cls: tok.tokenId('[CLS]'), sep: tok.tokenId('[SEP]'), mask: tok.tokenId('[MASK]') };
  const missing = Object.entries(ids).filter(([, id]) => id === undefined);
  if (missing.length)
    throw new Error(
      `The tokenizer of ${tok.id} has no ${missing.map(([k]) => `[${k.toUpperCase()}]`).join(', ')} token: a masked-LM study needs BERT's special tokens`,
    );
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].flatMap((t) => tok.tokenId(t) ?? []);
  return { cls: ids.cls!, sep: ids.sep!, mask: ids.mask!, vocabSize: tok.vocabSize, specials };
}

/** A random ordinary token: uniform over the vocabulary without its special tokens. */
function randomToken(rng: Rng, special: MaskTokens): number {
  for (;;) {
    const id = Math.floor(rng.next() * special.vocabSize);
    if (!special.specials.includes(id)) return id;
  }
}

/**
 * Masked-LM windows of a token stream, as BERT reads text: [CLS], T−2 tokens, [SEP]. Each inner position is
 * scored with probability MASK_SHARE (at least one per window), and a scored token becomes [MASK] (80%), a
 * random token (10%) or stays (10%); `nextTokens` holds the original token at scored positions and UNSCORED
 * elsewhere. Windows start as lmWindows' do (training at seeded random offsets, evaluation evenly spread) and
 * masks are drawn once from `maskSeed` (static masking, as BERT's own data): every evaluation scores the same positions.
 */
export function maskedWindows(
  stream: Int32Array,
  count: number,
  random: Rng | null,
  t: number,
  name: string,
  tokenizer: string,
  special: MaskTokens,
  maskSeed: number,
): Dataset {
  const inner = t - 2;
  if (inner < 1) throw new Error(`${name}: a masked-LM window of ${t} tokens leaves no room between [CLS] and [SEP]`);
  if (stream.length < inner) throw new Error(`${name}: the text has ${stream.length} tokens, fewer than one window of ${inner}`);
  const span = stream.length - inner + 1;
  const masks = new Rng(maskSeed);
  const x = new Float32Array(count * t);
  const targets = new Int32Array(count * t).fill(UNSCORED);
  for (let i = 0; i < count; i++) {
    const start = random ? Math.floor(random.next() * span) : Math.floor((i * span) / count);
    const row = i * t;
    x[row] = special.cls;
    x[row + t - 1] = special.sep;
    for (let j = 0; j < inner; j++) x[row + 1 + j] = stream[start + j];
    const scored: number[] = [];
    for (let j = 1; j <= inner; j++) if (masks.next() < MASK_SHARE) scored.push(j);
    if (!scored.length) scored.push(1 + Math.floor(masks.next() * inner));
    for (const j of scored) {
      targets[row + j] = x[row + j];
      const r = masks.next();
      if (r < 0.8) x[row + j] = special.mask;
      else if (r < 0.9) x[row + j] = randomToken(masks, special);
    }
  }
  return { name, x, y: new Int32Array(count), n: count, shape: [t, 1, 1], classes: [0], nextTokens: targets, tokenizer };
}
