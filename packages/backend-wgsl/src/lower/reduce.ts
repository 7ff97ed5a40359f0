import type { Shader } from '../shader.js';

/**
 * The workgroup reduction shared by global pooling, dense and softmax: every invocation stores its partial in
 * `scratch[lid]`, then a tree halves the live range each step. `size` is the workgroup size (a power of two).
 * Returns WGSL that leaves the result in `scratch[0]` for every invocation to read.
 */
export function treeReduce(scratch: string, size: number, combine: (a: string, b: string) => string): string {
  return `
    workgroupBarrier();
    for (var stride = ${size / 2}u; stride > 0u; stride = stride >> 1u) {
      if (lid < stride) {
        ${scratch}[lid] = ${combine(`${scratch}[lid]`, `${scratch}[lid + stride]`)};
      }
      workgroupBarrier();
    }`;
}

/** Per-channel reduction of a [C, plane] map into one value per channel, as the global pool and the SE squeeze use. */
export type PoolMode = 'avg' | 'max';

/**
 * Global pooling of `channels` planes of `plane` values. Large planes get one workgroup per channel whose invocations
 * stride through the plane and tree-reduce (generic runtimes loop serially per output, which leaves the GPU idle for
 * large maps); small planes get one invocation per channel.
 */
export function globalPoolBody(s: Shader, mode: PoolMode, channels: number, plane: number, x: string, y: string): void {
  const init = mode === 'max' ? '-3.402823e38' : '0.0';
  const combine = (a: string, b: string) => (mode === 'max' ? `max(${a}, ${b})` : `${a} + ${b}`);
  const finish = (v: string) => (mode === 'avg' ? `${v} / ${plane}.0` : v);
  s.constant('PLANE', plane);
  if (plane < 64) {
    s.elements(channels).main(`
      var acc = ${init};
      for (var i = 0u; i < PLANE; i++) {
        acc = ${combine('acc', `${x}[index * PLANE + i]`)};
      }
      ${y}[index] = ${finish('acc')};
    `);
    return;
  }
  const size = 64;
  const partial = s.workgroupArray('partial', size);
  s.groups(channels, size).main(`
    var acc = ${init};
    for (var i = lid; i < PLANE; i += ${size}u) {
      acc = ${combine('acc', `${x}[group * PLANE + i]`)};
    }
    ${partial}[lid] = acc;
    ${treeReduce(partial, size, combine)}
    if (lid == 0u) {
      ${y}[group] = ${finish(`${partial}[0]`)};
    }
  `);
}
