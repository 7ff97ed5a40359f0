import { instantiateGemm } from './gemm-wasm.js';
import { Scratch } from './scratch.js';

/**
 * The float64 matrix-multiply core of the reference convolution: C[o][p] += Σ_k A[o][k] · B[k][p] with A the
 * weights (one row per output channel) and B the im2col'd input (one column per output pixel).
 *
 * Accuracy: every product of two float32 values is exact in float64 (24 + 24 bits < 53), and each output's sum
 * runs in float64 in plain k order — blocking only splits that sequence, carrying the partial sum through C — so
 * the result equals the naive float64 loop's (up to the sign of a zero). Speed comes from register blocking: a
 * 4×4 tile of C lives in 16 locals while k streams 4 weights and 4 neighbouring pixels (from a B tile small enough
 * to stay in cache) per step, so each load feeds four multiply-adds. This file holds the plain JavaScript kernel
 * (A packed into float64 panels) and the workspace that picks it or the WebAssembly SIMD one of gemm-wasm.ts.
 */

/** Output channels per register tile; A is used in panels of this many rows. */
export const TILE_ROWS = 4;
/** Output pixels per register tile; B tiles are a multiple of this wide. */
export const TILE_COLUMNS = 4;

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Packs rows [row0, row0 + rows) of a row-major rows×depth float32 matrix (a conv weight, [O, C/g·kh·kw]) into
 * panels of TILE_ROWS rows: dst[(panel·depth + k)·4 + r] = src[(row0 + panel·4 + r)·depth + k], zero past `rows`.
 */
export function packRows(src: Float32Array, row0: number, rows: number, depth: number, dst: Float64Array): void {
  const panels = Math.ceil(rows / TILE_ROWS);
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * depth * TILE_ROWS;
    const first = panel * TILE_ROWS;
    if (first + TILE_ROWS <= rows) {
      // A full panel: four read streams, one sequential write stream.
      const s0 = (row0 + first) * depth;
      const s1 = s0 + depth;
      const s2 = s1 + depth;
      const s3 = s2 + depth;
      for (let k = 0, at = base; k < depth; k++, at += TILE_ROWS) {
        dst[at] = src[s0 + k]!;
        dst[at + 1] = src[s1 + k]!;
        dst[at + 2] = src[s2 + k]!;
        dst[at + 3] = src[s3 + k]!;
      }
      continue;
    }
    for (let r = 0; r < TILE_ROWS; r++) {
      const row = first + r;
      const from = (row0 + row) * depth;
      for (let k = 0; k < depth; k++) dst[base + k * TILE_ROWS + r] = row < rows ? src[from + k]! : 0;
    }
  }
}

/**
 * C += A·B for one block: A holds `rowPanels` packed row panels of `depth` total columns, of which the k-range
 * starting at `k0` and `kc` long is used; B is one tile of `kc` rows and `width` columns (a multiple of
 * TILE_COLUMNS), row-major: b[k·width + p]. C is row-major with row stride `ldc`; the tile's first column is `c0`.
 */
export function multiplyBlock(
  a: Float64Array,
  depth: number,
  k0: number,
  kc: number,
  rowPanels: number,
  b: Float64Array,
  width: number,
  c: Float64Array,
  ldc: number,
  c0: number,
): void {
  for (let rp = 0; rp < rowPanels; rp++) {
    const aOffset = (rp * depth + k0) * TILE_ROWS;
    const cRow = rp * TILE_ROWS * ldc + c0;
    for (let p = 0; p < width; p += TILE_COLUMNS) tile4x4(kc, a, aOffset, b, p, width, c, cRow + p, ldc);
  }
}

/**
 * The register tile: C[0..4)[0..4) (at cOffset, row stride ldc) += A panel (4 × kc, packed) · B (kc × 4, at
 * bOffset, row stride ldb).
 */
function tile4x4(
  kc: number,
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  ldb: number,
  c: Float64Array,
  cOffset: number,
  ldc: number,
): void {
  const r1 = cOffset + ldc;
  const r2 = r1 + ldc;
  const r3 = r2 + ldc;
  let c00 = c[cOffset]!, c01 = c[cOffset + 1]!, c02 = c[cOffset + 2]!, c03 = c[cOffset + 3]!;
  let c10 = c[r1]!, c11 = c[r1 + 1]!, c12 = c[r1 + 2]!, c13 = c[r1 + 3]!;
  let c20 = c[r2]!, c21 = c[r2 + 1]!, c22 = c[r2 + 2]!, c23 = c[r2 + 3]!;
  let c30 = c[r3]!, c31 = c[r3 + 1]!, c32 = c[r3 + 2]!, c33 = c[r3 + 3]!;
  // Loads interleaved with their uses keep the live values near the 16 float registers of x86-64.
  for (let i = aOffset, j = bOffset, end = aOffset + kc * 4; i < end; i += 4, j += ldb) {
    const a0 = a[i]!, a1 = a[i + 1]!, a2 = a[i + 2]!, a3 = a[i + 3]!;
    let v = b[j]!;
    c00 += a0 * v; c10 += a1 * v; c20 += a2 * v; c30 += a3 * v;
    v = b[j + 1]!;
    c01 += a0 * v; c11 += a1 * v; c21 += a2 * v; c31 += a3 * v;
    v = b[j + 2]!;
    c02 += a0 * v; c12 += a1 * v; c22 += a2 * v; c32 += a3 * v;
    v = b[j + 3]!;
    c03 += a0 * v; c13 += a1 * v; c23 += a2 * v; c33 += a3 * v;
  }
  c[cOffset] = c00; c[cOffset + 1] = c01; c[cOffset + 2] = c02; c[cOffset + 3] = c03;
  c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
  c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
  c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
}

/**
 * The operands of one conv's GEMMs and the block multiply over them: in WebAssembly memory for the SIMD kernel of
 * gemm-wasm.ts where the engine has it (A read from a copy of the float32 weights), else in reused float64 arrays
 * for `multiplyBlock` (A packed into row panels). The arrays are valid until the next `gemmWorkspace` call.
 */
export interface GemmWorkspace {
  /** One B tile: `kc` rows of `width` float64 values, b[k·width + p]. */
  b: Float64Array;
  /** The accumulators, row-major. */
  c: Float64Array;
  /** Makes rows [row0, row0 + rows) of the weight matrix (one group's output channels) the A operand. */
  selectRows(row0: number, rows: number): void;
  /** C[all rows][c0, c0 + width) += A[all rows][k0, k0 + kc) · B, for `rowPanels` panels of TILE_ROWS rows. */
  multiply(k0: number, kc: number, rowPanels: number, width: number, ldc: number, c0: number): void;
}

const PAGE_BYTES = 65536;
let wasmGemm: ReturnType<typeof instantiateGemm> | null = null;
let preferWasm = true;
const scratchA = new Scratch();
const scratchB = new Scratch();
const scratchC = new Scratch();

/** Chooses the kernel: WebAssembly SIMD when available (the default) or plain JavaScript (tests compare the two). */
export function useWasmGemm(enabled: boolean): void {
  preferWasm = enabled;
}

/**
 * A workspace for C (cLength values) += W·B where W is `weight`, a row-major matrix `depth` wide, used TILE_ROWS
 * rows at a time (`rows`, a multiple of TILE_ROWS, at most per `selectRows`), and B tiles of bLength values.
 */
export function gemmWorkspace(weight: Float32Array, depth: number, rows: number, bLength: number, cLength: number): GemmWorkspace {
  if (preferWasm && wasmGemm === null) wasmGemm = instantiateGemm();
  if (!preferWasm || !wasmGemm) {
    const a = scratchA.take(rows * depth);
    const b = scratchB.take(bLength);
    const c = scratchC.take(cLength);
    return {
      b, c,
      selectRows: (row0, count) => packRows(weight, row0, count, depth, a),
      multiply: (k0, kc, rowPanels, width, ldc, c0) => multiplyBlock(a, depth, k0, kc, rowPanels, b, width, c, ldc, c0),
    };
  }
  const { memory, multiplyBlock: kernel } = wasmGemm;
  // The weights, then zeros for the rows a last, partial panel reads past the end (its results are dropped, but
  // zeros keep them finite); each operand on a 16-byte boundary, as the kernel's vector loads prefer.
  const aLength = weight.length + TILE_ROWS * depth;
  const bBase = roundUp(aLength, 4) * 4;
  const cBase = bBase + roundUp(bLength, 2) * 8;
  const bytes = cBase + cLength * 8;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  const a = new Float32Array(memory.buffer, 0, aLength);
  a.set(weight);
  a.fill(0, weight.length);
  let aBase = 0;
  return {
    b: new Float64Array(memory.buffer, bBase, bLength),
    c: new Float64Array(memory.buffer, cBase, cLength),
    selectRows: (row0) => {
      aBase = row0 * depth * 4;
    },
    multiply: (k0, kc, rowPanels, width, ldc, c0) =>
      kernel(aBase + k0 * 4, depth * 4, kc, rowPanels, bBase, width, cBase + c0 * 8, ldc * 8),
  };
}
