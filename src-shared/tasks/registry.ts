import { dataset } from './dataset';
import { mobySpam } from './moby-spam';
import { newClasses } from './new-classes';
import { permuted } from './permuted';
import { rotate90 } from './rotate90';
import { sotu } from './sotu';
import { sotuEarly } from './sotu-early';
import { sotuLate } from './sotu-late';
import { spamLater } from './spam-later';

/**
 * Every built-in task, one line each, in the order the wizard offers them. A new task is a file in
 * this folder and a line here; the study schema, the catalog, the checks and the data builders read
 * this list (through ./lookup).
 */
export const TASKS = [rotate90, newClasses, permuted, sotu, sotuEarly, sotuLate, spamLater, mobySpam, dataset] as const;
