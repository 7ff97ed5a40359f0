import { tf } from './tf.js';

export type BackendName = 'wasm' | 'cpu';

/**
 * Registers and selects a tfjs backend: 'wasm' (XNNPACK; in Node its .wasm binaries load from node_modules, one
 * thread) or 'cpu' (plain JavaScript, every gradient kernel). Returns the active backend's name.
 */
export async function useBackend(name: BackendName = 'wasm'): Promise<string> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} could not be initialised`);
  await tf.ready();
  return tf.getBackend();
}
