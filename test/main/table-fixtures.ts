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
