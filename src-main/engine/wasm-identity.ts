import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel } from './wasm-kernel';

interface WasmData {
  refCount: number;
}

/**
 * Replaces the wasm backend's Identity kernel, which copies its input, with one that shares the
 * data and counts a reference, as the cpu backend does. tfjs clones (Identity) every tensor it
 * saves for the backward pass, so on wasm each training step copied every weight matrix and input
 * batch once more; sharing is safe because tensors are immutable (Variable.assign swaps data).
 */
export function registerSharingIdentity(): void {
  replaceWasmKernel('Identity', ({ inputs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    const storage = (backend as unknown as { dataIdMap: { get(id: object): WasmData | undefined } }).dataIdMap;
    const data = storage.get(x.dataId);
    if (!data) throw new Error('Identity: the input tensor has no data on the wasm backend');
    data.refCount++;
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
