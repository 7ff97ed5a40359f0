import type { ActivationKind } from '../../ops/activation.js';

/**
 * dst[dstOffset + i] = act(src[srcOffset + i]) for i < count, each formula exactly as in ACTIVATION_FUNCTIONS but
 * with the kind switched on once per call rather than a closure called per element (a megamorphic call costs more
 * than the arithmetic). The value is computed in float64 and rounded to float32 once, on the store.
 */
export function activateInto(
  kind: ActivationKind,
  src: Float32Array | Float64Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  count: number,
): void {
  const shift = srcOffset - dstOffset;
  const end = dstOffset + count;
  switch (kind) {
    case 'identity':
      for (let i = dstOffset; i < end; i++) dst[i] = src[i + shift]!;
      return;
    case 'relu':
      // x > 0 ? x : 0 without a branch on the sign (a coin flip on real activations, mispredicted half the time):
      // x · 1 or x · 0, + 0 turning −0 into 0; the one remaining branch, for NaN (from x = NaN or −∞), is never
      // taken in practice, and sends it to 0 as the ternary does.
      for (let i = dstOffset; i < end; i++) {
        const x = src[i + shift]!;
        const y = x * +(x > 0) + 0;
        dst[i] = y === y ? y : 0;
      }
      return;
    case 'relu6':
      for (let i = dstOffset; i < end; i++) dst[i] = Math.min(Math.max(src[i + shift]!, 0), 6);
      return;
    case 'sigmoid':
      for (let i = dstOffset; i < end; i++) dst[i] = 1 / (1 + Math.exp(-src[i + shift]!));
      return;
    case 'hard_sigmoid':
      for (let i = dstOffset; i < end; i++) dst[i] = Math.min(Math.max(src[i + shift]! + 3, 0), 6) / 6;
      return;
    case 'tanh':
      for (let i = dstOffset; i < end; i++) dst[i] = Math.tanh(src[i + shift]!);
      return;
    case 'swish':
      for (let i = dstOffset; i < end; i++) {
        const x = src[i + shift]!;
        dst[i] = x / (1 + Math.exp(-x));
      }
      return;
  }
}
