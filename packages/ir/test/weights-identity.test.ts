import { describe, expect, it } from 'vitest';
import { initialValues, type Initializer } from '../src/index.js';

// The seeded weights are part of every backend's expected outputs, so the fast fill in `initialValues` must give
// exactly the bits of the straightforward definition: FNV-1a of `${seed}:${name}` seeds a mulberry32 stream, and each
// value is (2u − 1)·√(6 / fan_in), computed in double precision and rounded to float32 once. Written out here
// independently of weights.ts.
function referenceHeUniform(name: string, count: number, fanIn: number, seed: number): Float32Array {
  let hash = 0x811c9dc5;
  const key = `${seed}:${name}`;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  let state = hash >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bound = Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: count }, () => (2 * next() - 1) * bound);
}

const heUniform = (name: string, shape: number[], fanIn: number): Initializer => ({
  name, shape, role: 'param', init: { kind: 'he_uniform', fanIn },
});

const bits = (values: Float32Array) => new Uint32Array(values.buffer, values.byteOffset, values.length);

/** Index of the first value whose bits differ, or -1 (a whole-array `toEqual` is slow on 100k elements). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const [x, y] = [bits(a), bits(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('initialValues (he_uniform)', () => {
  // Seeds around the 32-bit wrap points of the PRNG state, and names whose hashes differ.
  const cases: [string, number[], number, number][] = [
    ['conv1.weight', [64, 3, 3, 3], 27, 0],
    ['conv1.weight', [64, 3, 3, 3], 27, 1],
    ['stage4.block35.conv2.weight', [1024, 16, 3, 3], 144, 42],
    ['fc.weight', [10, 2048], 2048, 4294967295],
    ['se.fc1.weight', [4, 64, 1, 1], 64, -7],
    ['x', [1], 1, 3.5],
  ];
  for (const [name, shape, fanIn, seed] of cases) {
    it(`is bit-identical to the reference for ${name} ${shape.join('x')} seed ${seed}`, () => {
      const count = shape.reduce((a, b) => a * b, 1);
      const actual = initialValues(heUniform(name, shape, fanIn), seed);
      expect(actual.length).toBe(count);
      expect(firstDifference(actual, referenceHeUniform(name, count, fanIn, seed))).toBe(-1);
    });
  }

  it('stays within ±√(6 / fan_in) and spreads over the whole range', () => {
    const values = initialValues(heUniform('w', [4096], 50), 9);
    const bound = Math.fround(Math.sqrt(6 / 50));
    expect(Math.max(...values)).toBeLessThanOrEqual(bound);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...values)).toBeGreaterThan(0.99 * bound);
    expect(Math.min(...values)).toBeLessThan(-0.99 * bound);
  });

  it('depends on the seed and the name, not on call order', () => {
    const a = initialValues(heUniform('a', [256], 16), 1);
    expect(bits(initialValues(heUniform('b', [256], 16), 1))).not.toEqual(bits(a));
    expect(bits(initialValues(heUniform('a', [256], 16), 2))).not.toEqual(bits(a));
    expect(bits(initialValues(heUniform('a', [256], 16), 1))).toEqual(bits(a));
  });
});
