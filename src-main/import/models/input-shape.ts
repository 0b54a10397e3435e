import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImportError } from '../import-error';

/** The engine's [height, width, channels] of a model's one input: [features] → [1, f, 1], [h, w] → [h, w, 1]; unknown or unsupported sizes refused naming the file. */
export function engineInputShape(model: LayersModel, file: string): [number, number, number] {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  if (inputShape.some((d) => d === null))
    throw new ImportError(`${file}: the input shape [${inputShape.join(', ')}] has unknown sizes; the engine needs a fixed input shape`);
  if (inputShape.length < 1 || inputShape.length > 3)
    throw new ImportError(
      `${file}: an input of shape [${inputShape.join(', ')}] is not supported; use [features], [height, width] or [height, width, channels]`,
    );
  return inputShape.length === 1
    ? [1, inputShape[0], 1]
    : inputShape.length === 2
      ? [inputShape[0], inputShape[1], 1]
      : (inputShape as [number, number, number]);
}
