import type { CatalogEntry } from '../../../src-shared/api';
import type { LayerSpec } from './layers';

/** Built-in base-model recipes: their backbones (the heads are added per study). */
export const RECIPE_BACKBONES: Record<string, LayerSpec[]> = {
  mlp: [
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dense', name: 'dense1', units: 256, activation: 'relu' },
    { kind: 'dense', name: 'dense2', units: 256, activation: 'relu' },
  ],
  cnn: [
    { kind: 'conv', name: 'conv1', filters: 16, kernel: 5, stride: 2, activation: 'relu' },
    { kind: 'conv', name: 'conv2', filters: 32, kernel: 3, stride: 2, activation: 'relu' },
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dense', name: 'dense1', units: 128, activation: 'relu' },
  ],
};

/** How the wizard presents the recipes. */
export const RECIPE_CATALOG: CatalogEntry[] = [
  { id: 'mlp', label: 'MLP 784-256-256', description: 'Two hidden layers of 256 ReLU units (≈270k parameters); the model of the calibration in methods.md §4.' },
  { id: 'cnn', label: 'Small CNN', description: 'conv 5×5/2 ×16 → conv 3×3/2 ×32 → dense 128, ReLU (≈110k parameters).' },
];
