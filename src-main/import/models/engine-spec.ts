import type { LayerSpec } from '../../engine/models/layers';

/**
 * How the engine can run an imported model: its layers as the engine's LayerSpecs (weights named
 * `<layer>/kernel`, `<layer>/bias`, the head's as `head/…` like a built-in model's pretrain head).
 */
export interface ImportedEngineSpec {
  /** [height, width, channels]; a flat input of f features is [1, f, 1] behind a leading flatten. */
  inputShape: [number, number, number];
  backbone: LayerSpec[];
  /** Units of the head (the pretrain classes). */
  headUnits: number;
  /** Engine names of weights the original model had frozen (trainable: false). */
  frozen: string[];
}
