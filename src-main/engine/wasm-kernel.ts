import * as tf from '@tensorflow/tfjs-core';

/** A replacement kernel: the call's arguments and the wasm backend's own kernel, for the cases it leaves to it. */
export type ReplacementKernel = (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>;

/** Registers `kernelFunc` as the wasm backend's kernel `kernelName`, in place of the backend's own. */
export function replaceWasmKernel(kernelName: string, kernelFunc: ReplacementKernel): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) throw new Error(`the wasm backend has no ${kernelName} kernel to replace`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: (args) => kernelFunc(args, original.kernelFunc) });
}
