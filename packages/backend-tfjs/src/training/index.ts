// Training support on the wasm backend (gradient kernels tfjs-backend-wasm lacks); filled in by the training work.
export {};
