import { ValidationError } from '../../../src-shared/validation';
import {
  loadStoredDataset,
  loadStoredTextDataset,
  splitsOf,
  type StoreConnection,
  type StoredDataset,
  type StoredTextDataset,
} from '../../store-read/stored-datasets';
import { builtinDataset } from './builtin-datasets';

/** A dataset of the library with its split, image or tabular: a built-in one from its package, else the stored rows. Text datasets: use libraryTextDataset. */
export function libraryDataset(db: StoreConnection, id: string): StoredDataset {
  const builtin = builtinDataset(id);
  if (!builtin) return loadStoredDataset(db, id);
  if (!builtin.features) throw new ValidationError(`'${builtin.summary.name}' is a text dataset: load it with libraryTextDataset`, []);
  const data = builtin.features();
  return { ...data, id, name: builtin.summary.name, kind: 'images', classNames: data.classes.map(String), splits: splitsOf(builtin.split), featureNames: null };
}

/** A text dataset of the library (raw texts, labels and split): a built-in corpus from its package, else the stored texts. */
export function libraryTextDataset(db: StoreConnection, id: string): StoredTextDataset {
  const builtin = builtinDataset(id);
  if (!builtin) return loadStoredTextDataset(db, id);
  if (!builtin.texts) throw new ValidationError(`'${builtin.summary.name}' holds images: load it with libraryDataset`, []);
  const rows = builtin.texts();
  return { ...rows, id, name: builtin.summary.name, n: rows.texts.length, splits: splitsOf(builtin.split) };
}
