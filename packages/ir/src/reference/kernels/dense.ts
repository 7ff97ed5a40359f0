/**
 * out[b][o] = bias[o] + Σ_i weight[o][i] · x[b][i], row-major, each sum in float64 in plain i order (the products
 * of float32 values are exact). Four output rows go together so each input value loaded feeds four independent
 * sums: the loop is bound by the float64 add latency otherwise.
 */
export function denseInto(
  x: Float32Array,
  batch: number,
  weight: Float32Array,
  bias: Float32Array | undefined,
  outFeatures: number,
  out: Float32Array,
): void {
  const inFeatures = x.length / batch;
  for (let b = 0; b < batch; b++) {
    const xb = b * inFeatures;
    let o = 0;
    for (; o + 4 <= outFeatures; o += 4) {
      const w0 = o * inFeatures;
      const w1 = w0 + inFeatures;
      const w2 = w1 + inFeatures;
      const w3 = w2 + inFeatures;
      let s0 = bias ? bias[o]! : 0;
      let s1 = bias ? bias[o + 1]! : 0;
      let s2 = bias ? bias[o + 2]! : 0;
      let s3 = bias ? bias[o + 3]! : 0;
      for (let i = 0; i < inFeatures; i++) {
        const v = x[xb + i]!;
        s0 += weight[w0 + i]! * v;
        s1 += weight[w1 + i]! * v;
        s2 += weight[w2 + i]! * v;
        s3 += weight[w3 + i]! * v;
      }
      const at = b * outFeatures + o;
      out[at] = s0;
      out[at + 1] = s1;
      out[at + 2] = s2;
      out[at + 3] = s3;
    }
    for (; o < outFeatures; o++) {
      const w0 = o * inFeatures;
      let s = bias ? bias[o]! : 0;
      for (let i = 0; i < inFeatures; i++) s += weight[w0 + i]! * x[xb + i]!;
      out[b * outFeatures + o] = s;
    }
  }
}
