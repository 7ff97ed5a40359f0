import { tf } from '../tf.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

/**
 * The kernels tfjs-backend-wasm 4.22 lacks that training needs: the filter gradients of conv2d and depthwise conv,
 * the input gradient of depthwise conv, and the gradient of Gather. Every other gradient kernel our models use
 * (Conv2DBackpropInput, AvgPoolGrad, the activations' gradients …) the backend has, and gets right.
 */
export const WASM_MISSING_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseConv2dBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseConv2dBackpropInput,
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
};

/** Kernels tfjs-backend-wasm 4.22 has but computes wrongly, replaced by ours: MaxPoolGrad (see max-pool-grad.ts). */
export const WASM_REPLACED_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  [tf.MaxPoolGrad]: maxPoolGrad,
};

/** Every kernel this module registers for wasm, by kernel name. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, tf.KernelFunc>> = { ...WASM_MISSING_KERNELS, ...WASM_REPLACED_KERNELS };

const ours = new Set<tf.KernelFunc>(Object.values(WASM_TRAINING_KERNELS));

/**
 * Registers our gradient kernels for the 'wasm' backend, each built from the backend's own kernels (MatMul, Slice,
 * Pad, DepthwiseConv2dNative …): nothing is copied to another backend. The missing ones are added unless the wasm
 * backend has its own (a later tfjs release); the replaced ones take the stock kernel's place. Idempotent. Returns
 * the names of the kernels of ours that are registered — the same list on every call. Call after
 * `@tensorflow/tfjs-backend-wasm` is imported (`await useBackend('wasm')` does that), before training: importing it
 * later would put its stock MaxPoolGrad back.
 */
export function registerWasmTrainingKernels(): string[] {
  if (!tf.findBackendFactory('wasm')) {
    throw new Error('registerWasmTrainingKernels: import @tensorflow/tfjs-backend-wasm (or await useBackend(\'wasm\')) first, '
      + 'or its stock kernels would replace ours when it loads');
  }
  const registered: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(WASM_TRAINING_KERNELS)) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing && !ours.has(existing.kernelFunc) && kernelName in WASM_REPLACED_KERNELS) {
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    } else if (!existing) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    }
    if (ours.has(tf.getKernel(kernelName, 'wasm')!.kernelFunc)) registered.push(kernelName);
  }
  return registered;
}
