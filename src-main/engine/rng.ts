// The generator lives in src-shared so that built-in task definitions (src-shared/tasks) can draw the same seeded permutations.
/** A seeded pseudo-random generator (mulberry32): the same seed gives the same run on every backend. */
export { Rng } from '../../src-shared/rng';
