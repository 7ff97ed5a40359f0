// The one place this package imports TensorFlow.js. We depend on the split packages (core, layers, the cpu and
// wasm backends) rather than the `@tensorflow/tfjs` umbrella, whose core-js dependency has an install script.
export * as tf from '@tensorflow/tfjs-core';
export * as tfl from '@tensorflow/tfjs-layers';
export type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
export type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
