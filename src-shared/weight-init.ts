/** How a recipe's fresh kernels and biases are drawn: Glorot (the default, as before the setting existed), PyTorch's nn.Linear/nn.Conv2d default, or He. */
export const WEIGHT_INITS = ['glorot', 'pytorch', 'he'] as const;

/** A weight initialisation of a recipe. */
export type WeightInit = (typeof WEIGHT_INITS)[number];

/** The initialisation of a study that names none, and of base-model records written before the setting existed. */
export const DEFAULT_WEIGHT_INIT: WeightInit = 'glorot';

/** How the wizard and the docs present each initialisation (fan-in of a conv kernel = kh·kw·in channels). */
export const WEIGHT_INIT_INFO: Record<WeightInit, { label: string; help: string }> = {
  glorot: {
    label: 'Glorot (Keras default)',
    help: 'Kernels uniform on ±√(6 / (fan-in + fan-out)), biases zero: what Keras and TensorFlow.js layers do.',
  },
  pytorch: {
    label: 'PyTorch default',
    help: 'Kernels and biases uniform on ±1/√fan-in, as nn.Linear and nn.Conv2d start: to match a study written in PyTorch.',
  },
  he: {
    label: 'He (normal)',
    help: 'Kernels normal with standard deviation √(2 / fan-in), biases zero (He et al. 2015, for ReLU networks).',
  },
};

/** The initialisation a study's base model or an engine model spec asks for: absent means Glorot. */
export function weightInitOf(spec: { init?: WeightInit }): WeightInit {
  return spec.init ?? DEFAULT_WEIGHT_INIT;
}
