/**
 * A batched float32 tensor for the reference interpreter: `shape` includes the leading batch dimension
 * ([N, C, H, W] or [N, F]), `data` is row-major (NCHW). Accuracy first (every sum in float64), then speed: this is
 * the numerical oracle that passes and backends are checked against, never a product path.
 */
export interface Tensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Weight values by role (`weight`, `bias`, `gamma`, …) for one node. */
export type WeightValues = Readonly<Record<string, Float32Array>>;

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data && data.length !== size) throw new Error(`internal: ${data.length} values for shape [${shape.join(',')}]`);
  return { shape, data: data ?? new Float32Array(size) };
}

/** [N, C, H, W] of a tensor whose per-sample shape is [C] or [C, H, W] (vectors read as C×1×1). */
export function asNchw(t: Tensor): [number, number, number, number] {
  const [n, c, h = 1, w = 1] = t.shape;
  return [n!, c!, h, w];
}
