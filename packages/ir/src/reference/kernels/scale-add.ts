import type { ActivationKind } from '../../ops/activation.js';
import { activateInto } from './activation.js';
import { Scratch } from './scratch.js';

const planeSum = new Scratch();

/**
 * out = act(x · s + y) over `planes` planes of `plane` values, s one value per plane (a [N,C,1,1] channel scale)
 * or one per element. Each value is computed in float64 and rounded to float32 once, after the activation.
 */
export function scaleAddInto(
  x: Float32Array,
  s: Float32Array,
  y: Float32Array,
  planes: number,
  plane: number,
  activation: ActivationKind,
  out: Float32Array,
): void {
  const sum = planeSum.take(plane);
  const perChannel = s.length !== x.length;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    if (perChannel) {
      const factor = s[p]!;
      for (let i = 0; i < plane; i++) sum[i] = x[base + i]! * factor + y[base + i]!;
    } else {
      for (let i = 0; i < plane; i++) sum[i] = x[base + i]! * s[base + i]! + y[base + i]!;
    }
    activateInto(activation, sum, 0, out, base, plane);
  }
}
