import { Rng } from '../../src-main/engine/rng';

/**
 * A CSV of Gaussian blobs: `perClass` rows per class, `features` numeric columns, the label last.
 * Class k is centred at k·spread on feature k mod features (+`shift` on every feature): a table a
 * small MLP separates well; shifting it gives a domain-shifted twin with the same classes.
 */
export function blobCsv(classes: string[], opts: { perClass: number; features: number; seed: number; spread?: number; shift?: number }): string {
  const rng = new Rng(opts.seed);
  const spread = opts.spread ?? 3;
  const header = [...Array.from({ length: opts.features }, (_, j) => `f${j + 1}`), 'label'];
  const rows = [header.join(',')];
  for (let i = 0; i < opts.perClass; i++) {
    classes.forEach((label, k) => {
      const values = Array.from({ length: opts.features }, (_, j) => (j === k % opts.features ? k * spread : 0) + (opts.shift ?? 0) + gaussian(rng));
      rows.push([...values.map((v) => v.toFixed(3)), label].join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A JSONL text-classification file: `perClass` sentences per class, each a seeded draw of 6-12 words
 * from its class's word list, as {"text", "label"} lines.
 */
export function sentencesJsonl(words: Record<string, string[]>, opts: { perClass: number; seed: number }): string {
  const rng = new Rng(opts.seed);
  const lines: string[] = [];
  for (let i = 0; i < opts.perClass; i++) {
    for (const [label, list] of Object.entries(words)) {
      const length = 6 + Math.floor(rng.next() * 7);
      const text = Array.from({ length }, () => list[Math.floor(rng.next() * list.length)]).join(' ');
      lines.push(JSON.stringify({ text: `${text[0].toUpperCase()}${text.slice(1)}.`, label }));
    }
  }
  return `${lines.join('\n')}\n`;
}
