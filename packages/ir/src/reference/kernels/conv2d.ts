import type { ActivationKind } from '../../ops/activation.js';
import { activateInto } from './activation.js';
import { TILE_COLUMNS, TILE_ROWS, gemmWorkspace, roundUp } from './gemm.js';
import { Scratch } from './scratch.js';

/** Everything a 2-D convolution's loops need, batch included. */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  height: number;
  width: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  dilation: readonly [number, number];
  /** Leading padding [top, left]; trailing padding only shapes the output size, already in outHeight/outWidth. */
  padBefore: readonly [number, number];
  groups: number;
}

/** Depth of one k block: a B tile of KC × PIXEL_TILE float64 values stays in L2 while every A panel sweeps it. */
const KC = 256;
/** Output pixels per B tile (a multiple of TILE_COLUMNS). */
const PIXEL_TILE = 64;

const directRow = new Scratch();

/**
 * out = act(conv(x, weight) + bias), NCHW float32 in and out, every sum in float64. Groups with at least
 * TILE_ROWS output channels go through im2col and the blocked GEMM; thinner ones, where a 4-row tile would mostly
 * multiply padding, through direct loops (depthwise, one input channel per group, through its own).
 */
export function conv2d(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  geometry: Conv2dGeometry,
  activation: ActivationKind,
  out: Float32Array,
): void {
  const outPerGroup = geometry.outChannels / geometry.groups;
  if (outPerGroup >= TILE_ROWS) convolveByGemm(x, weight, bias, geometry, activation, out);
  else if (geometry.inChannels === geometry.groups) convolveDepthwise(x, weight, bias, geometry, activation, out);
  else convolveDirect(x, weight, bias, geometry, activation, out);
}

function convolveByGemm(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  g: Conv2dGeometry,
  activation: ActivationKind,
  out: Float32Array,
): void {
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const [kh, kw] = g.kernel;
  const depth = inPerGroup * kh * kw;
  const pixels = g.outHeight * g.outWidth;
  const paddedRows = roundUp(outPerGroup, TILE_ROWS);
  const paddedPixels = roundUp(pixels, TILE_COLUMNS);
  const { b, c, selectRows, multiply } = gemmWorkspace(weight, depth, paddedRows, Math.min(KC, depth) * PIXEL_TILE, paddedRows * paddedPixels);
  const pointwise = isPointwise(g);
  for (let group = 0; group < g.groups; group++) {
    selectRows(group * outPerGroup, outPerGroup);
    for (let n = 0; n < g.batch; n++) {
      for (let o = 0; o < paddedRows; o++) {
        c.fill(bias && o < outPerGroup ? bias[group * outPerGroup + o]! : 0, o * paddedPixels, (o + 1) * paddedPixels);
      }
      const plane0 = n * g.inChannels + group * inPerGroup;
      for (let k0 = 0; k0 < depth; k0 += KC) {
        const kc = Math.min(KC, depth - k0);
        for (let p0 = 0; p0 < paddedPixels; p0 += PIXEL_TILE) {
          const tile = Math.min(PIXEL_TILE, paddedPixels - p0);
          if (pointwise) packPointwise(x, g, plane0, k0, kc, p0, tile, b);
          else packIm2col(x, g, plane0, k0, kc, p0, tile, b);
          multiply(k0, kc, paddedRows / TILE_ROWS, tile, paddedPixels, p0);
        }
      }
      for (let o = 0; o < outPerGroup; o++) {
        activateInto(activation, c, o * paddedPixels, out, ((n * g.outChannels) + group * outPerGroup + o) * pixels, pixels);
      }
    }
  }
}

function isPointwise(g: Conv2dGeometry): boolean {
  return g.kernel[0] === 1 && g.kernel[1] === 1 && g.stride[0] === 1 && g.stride[1] === 1 &&
    g.padBefore[0] === 0 && g.padBefore[1] === 0 && g.outHeight === g.height && g.outWidth === g.width;
}

/**
 * B tile (b[kk·tile + p]) for a 1×1, stride-1, unpadded conv: row k of B is input plane k itself, so packing is a
 * copy (widening to float64), zero past the last pixel.
 */
function packPointwise(
  x: Float32Array,
  g: Conv2dGeometry,
  plane0: number,
  k0: number,
  kc: number,
  p0: number,
  tile: number,
  b: Float64Array,
): void {
  const pixels = g.outHeight * g.outWidth;
  const full = Math.min(tile, pixels - p0);
  for (let kk = 0; kk < kc; kk++) {
    const source = (plane0 + k0 + kk) * pixels + p0;
    b.set(x.subarray(source, source + full), kk * tile);
    if (full < tile) b.fill(0, kk * tile + full, (kk + 1) * tile);
  }
}

/**
 * B tile (b[kk·tile + p]) of the general conv, im2col: row k = (channel, ky, kx) holds, for each output pixel
 * (oy, ox), the input at (oy·sh + ky·dh − pt, ox·sw + kx·dw − pl), zero where that falls in the padding or past
 * the last pixel. The columns whose input lies inside the image depend only on kx, so each output row is a zero
 * run, a (strided) copy and a zero run.
 */
function packIm2col(
  x: Float32Array,
  g: Conv2dGeometry,
  plane0: number,
  k0: number,
  kc: number,
  p0: number,
  tile: number,
  b: Float64Array,
): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const { height: h, width: w, outWidth: ow } = g;
  const tileEnd = Math.min(p0 + tile, g.outHeight * ow);
  for (let kk = 0; kk < kc; kk++) {
    const k = k0 + kk;
    const channel = Math.floor(k / (kh * kw));
    const ky = Math.floor(k / kw) % kh;
    const kx = k % kw;
    const source = (plane0 + channel) * h * w;
    const offsetY = ky * dh - g.padBefore[0];
    const offsetX = kx * dw - g.padBefore[1];
    // Output columns whose input column ox·sw + offsetX lies in [0, w).
    const firstX = Math.max(0, Math.ceil(-offsetX / sw));
    const endX = Math.max(firstX, Math.min(ow, Math.floor((w - 1 - offsetX) / sw) + 1));
    const rowBase = kk * tile - p0;
    for (let p = p0; p < tileEnd; ) {
      const oy = Math.floor(p / ow);
      const rowStart = oy * ow;
      const from = p - rowStart;
      const to = Math.min(ow, tileEnd - rowStart);
      const at = rowBase + rowStart;
      const iy = oy * sh + offsetY;
      if (iy < 0 || iy >= h) {
        b.fill(0, at + from, at + to);
      } else {
        const inside0 = Math.max(from, firstX);
        const inside1 = Math.max(inside0, Math.min(to, endX));
        if (from < inside0) b.fill(0, at + from, at + inside0);
        const row = source + iy * w + offsetX;
        if (sw === 1) {
          for (let ox = inside0; ox < inside1; ox++) b[at + ox] = x[row + ox]!;
        } else {
          for (let ox = inside0; ox < inside1; ox++) b[at + ox] = x[row + ox * sw]!;
        }
        if (inside1 < to) b.fill(0, at + inside1, at + to);
      }
      p = rowStart + to;
    }
    if (tileEnd < p0 + tile) b.fill(0, rowBase + tileEnd, rowBase + p0 + tile);
  }
}

/**
 * Thin groups (depthwise): for each output channel, accumulate weight × shifted input rows into a float64 plane.
 * The output rows and columns whose input lies inside the image are computed once per kernel tap, so the inner
 * loop is a bare multiply-add over a contiguous (or strided) row.
 */
function convolveDirect(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  g: Conv2dGeometry,
  activation: ActivationKind,
  out: Float32Array,
): void {
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [pt, pl] = g.padBefore;
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const pixels = oh * ow;
  const acc = directRow.take(pixels);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      acc.fill(bias ? bias[o]! : 0, 0, pixels);
      const group = Math.floor(o / outPerGroup);
      for (let i = 0; i < inPerGroup; i++) {
        const source = (n * g.inChannels + group * inPerGroup + i) * h * w;
        for (let ky = 0; ky < kh; ky++) {
          const offsetY = ky * dh - pt;
          // Output rows whose input row oy·sh + offsetY lies in [0, h).
          const firstY = Math.max(0, Math.ceil(-offsetY / sh));
          const lastY = Math.min(oh - 1, Math.floor((h - 1 - offsetY) / sh));
          for (let kx = 0; kx < kw; kx++) {
            const value = weight[((o * inPerGroup + i) * kh + ky) * kw + kx]!;
            const offsetX = kx * dw - pl;
            const firstX = Math.max(0, Math.ceil(-offsetX / sw));
            const lastX = Math.min(ow - 1, Math.floor((w - 1 - offsetX) / sw));
            for (let oy = firstY; oy <= lastY; oy++) {
              const row = source + (oy * sh + offsetY) * w + offsetX;
              const outRow = oy * ow;
              if (sw === 1) {
                for (let ox = firstX; ox <= lastX; ox++) acc[outRow + ox]! += value * x[row + ox]!;
              } else {
                for (let ox = firstX; ox <= lastX; ox++) acc[outRow + ox]! += value * x[row + ox * sw]!;
              }
            }
          }
        }
      }
      activateInto(activation, acc, 0, out, (n * g.outChannels + o) * pixels, pixels);
    }
  }
}

/**
 * Depthwise (one input channel per group): each output pixel's window sum in a local, taps in (ky, kx) order.
 * Pixels whose whole window lies inside the image (all but a border a kernel wide) skip the bounds checks; for the
 * common 3×3 they go four at a time with the nine weights and tap offsets in locals, so four independent sums hide
 * each other's add latency. Border pixels skip the taps that fall in the padding.
 */
function convolveDepthwise(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  g: Conv2dGeometry,
  activation: ActivationKind,
  out: Float32Array,
): void {
  const outPerGroup = g.outChannels / g.groups;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [pt, pl] = g.padBefore;
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const pixels = oh * ow;
  const taps = kh * kw;
  const offsets = new Int32Array(taps);
  for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) offsets[ky * kw + kx] = ky * dh * w + kx * dw;
  // Output rows/columns whose window lies inside the image: o·s − pad ≥ 0 and o·s − pad + (k − 1)·d ≤ size − 1.
  const interiorY0 = Math.min(oh, Math.ceil(pt / sh));
  const interiorY1 = Math.max(interiorY0, Math.min(oh, Math.floor((h - 1 - (kh - 1) * dh + pt) / sh) + 1));
  const interiorX0 = Math.min(ow, Math.ceil(pl / sw));
  const interiorX1 = Math.max(interiorX0, Math.min(ow, Math.floor((w - 1 - (kw - 1) * dw + pl) / sw) + 1));
  const acc = directRow.take(pixels);
  const border = (source: number, w0: number, start: number, iy: number, ix: number): number => {
    let sum = start;
    for (let ky = 0; ky < kh; ky++) {
      const y = iy + ky * dh;
      if (y < 0 || y >= h) continue;
      for (let kx = 0; kx < kw; kx++) {
        const xx = ix + kx * dw;
        if (xx >= 0 && xx < w) sum += weight[w0 + ky * kw + kx]! * x[source + y * w + xx]!;
      }
    }
    return sum;
  };
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const source = (n * g.inChannels + Math.floor(o / outPerGroup)) * h * w;
      const w0 = o * taps;
      const start = bias ? bias[o]! : 0;
      for (let oy = 0; oy < oh; oy++) {
        const iy = oy * sh - pt;
        const row = oy * ow;
        if (oy < interiorY0 || oy >= interiorY1) {
          for (let ox = 0; ox < ow; ox++) acc[row + ox] = border(source, w0, start, iy, ox * sw - pl);
          continue;
        }
        for (let ox = 0; ox < interiorX0; ox++) acc[row + ox] = border(source, w0, start, iy, ox * sw - pl);
        let ox = interiorX0;
        if (kh === 3 && kw === 3) {
          ox = depthwise3x3Row(x, weight, w0, offsets, start, source + iy * w - pl, sw, ox, interiorX1, acc, row);
        }
        for (; ox < interiorX1; ox++) {
          const at = source + iy * w + ox * sw - pl;
          let sum = start;
          for (let t = 0; t < taps; t++) sum += weight[w0 + t]! * x[at + offsets[t]!]!;
          acc[row + ox] = sum;
        }
        for (let ox = interiorX1; ox < ow; ox++) acc[row + ox] = border(source, w0, start, iy, ox * sw - pl);
      }
      activateInto(activation, acc, 0, out, (n * g.outChannels + o) * pixels, pixels);
    }
  }
}

/**
 * Interior pixels [from, to) of one output row of a 3×3 depthwise conv, four at a time: acc[row + ox] = start +
 * Σ_t w_t · x[rowStart + ox·sw + offset_t], taps in order. Returns the first pixel it left (fewer than four remain).
 */
function depthwise3x3Row(
  x: Float32Array,
  weight: Float32Array,
  w0: number,
  offsets: Int32Array,
  start: number,
  rowStart: number,
  sw: number,
  from: number,
  to: number,
  acc: Float64Array,
  row: number,
): number {
  const k0 = weight[w0]!, k1 = weight[w0 + 1]!, k2 = weight[w0 + 2]!;
  const k3 = weight[w0 + 3]!, k4 = weight[w0 + 4]!, k5 = weight[w0 + 5]!;
  const k6 = weight[w0 + 6]!, k7 = weight[w0 + 7]!, k8 = weight[w0 + 8]!;
  const t0 = offsets[0]!, t1 = offsets[1]!, t2 = offsets[2]!, t3 = offsets[3]!, t4 = offsets[4]!;
  const t5 = offsets[5]!, t6 = offsets[6]!, t7 = offsets[7]!, t8 = offsets[8]!;
  let ox = from;
  for (; ox + 4 <= to; ox += 4) {
    const a = rowStart + ox * sw;
    const b = a + sw;
    const c = b + sw;
    const d = c + sw;
    let s0 = start, s1 = start, s2 = start, s3 = start;
    s0 += k0 * x[a + t0]!; s1 += k0 * x[b + t0]!; s2 += k0 * x[c + t0]!; s3 += k0 * x[d + t0]!;
    s0 += k1 * x[a + t1]!; s1 += k1 * x[b + t1]!; s2 += k1 * x[c + t1]!; s3 += k1 * x[d + t1]!;
    s0 += k2 * x[a + t2]!; s1 += k2 * x[b + t2]!; s2 += k2 * x[c + t2]!; s3 += k2 * x[d + t2]!;
    s0 += k3 * x[a + t3]!; s1 += k3 * x[b + t3]!; s2 += k3 * x[c + t3]!; s3 += k3 * x[d + t3]!;
    s0 += k4 * x[a + t4]!; s1 += k4 * x[b + t4]!; s2 += k4 * x[c + t4]!; s3 += k4 * x[d + t4]!;
    s0 += k5 * x[a + t5]!; s1 += k5 * x[b + t5]!; s2 += k5 * x[c + t5]!; s3 += k5 * x[d + t5]!;
    s0 += k6 * x[a + t6]!; s1 += k6 * x[b + t6]!; s2 += k6 * x[c + t6]!; s3 += k6 * x[d + t6]!;
    s0 += k7 * x[a + t7]!; s1 += k7 * x[b + t7]!; s2 += k7 * x[c + t7]!; s3 += k7 * x[d + t7]!;
    s0 += k8 * x[a + t8]!; s1 += k8 * x[b + t8]!; s2 += k8 * x[c + t8]!; s3 += k8 * x[d + t8]!;
    acc[row + ox] = s0;
    acc[row + ox + 1] = s1;
    acc[row + ox + 2] = s2;
    acc[row + ox + 3] = s3;
  }
  return ox;
}
