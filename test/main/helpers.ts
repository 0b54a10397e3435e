import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandStudy, studyConfigSchema, type RunConfig, type StudyConfigInput } from '../../src-shared/config';

/** The built engine entry (npm test builds before it runs the tests). */
export const ENGINE_PATH = join(__dirname, '..', '..', 'out', 'main', 'engine.js');

/** A fresh temporary data directory and its cleanup. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'retainlab-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small, fast study on the real digits (seconds on two cores). */
export function tinyStudy(overrides: Partial<StudyConfigInput> = {}): StudyConfigInput {
  return {
    name: 'tiny study',
    data: { useFraction: 0.15 },
    baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } },
    methods: [{ id: 'vanilla' }],
    budget: { epochs: 1, evalsPerEpoch: 2 },
    backend: 'wasm',
    ...overrides,
  };
}

/** The first fine-tuning run config of tinyStudy, for tests that store a run without launching a study. */
export function tinyRunConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return { ...expandStudy(studyConfigSchema.parse(tinyStudy())).runs[0], ...overrides };
}
