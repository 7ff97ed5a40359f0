/** A tensor's life over the dispatch list: written at `first`, last read at `last` (inclusive). */
export interface Lifetime {
  tensor: string;
  bytes: number;
  first: number;
  last: number;
}

export interface Allocation {
  /** Buffer sizes in bytes, by id. */
  sizes: number[];
  /** Tensor → buffer id. */
  bufferOf: Map<string, number>;
  /** Tensors each buffer holds, in the order they are written. */
  tensorsOf: string[][];
}

/**
 * Liveness-based buffer assignment, greedy in dispatch order. A tensor takes the smallest free buffer that holds it,
 * else grows the largest free one, else opens a new one; a buffer returns to the pool after the dispatch that last
 * reads its tensor (never during it: a kernel's inputs and output never share memory).
 */
export function allocateBuffers(lifetimes: readonly Lifetime[]): Allocation {
  const sizes: number[] = [];
  const tensorsOf: string[][] = [];
  const bufferOf = new Map<string, number>();
  const free = new Set<number>();
  const byStart = [...lifetimes].sort((x, y) => x.first - y.first);
  const byEnd = [...lifetimes].sort((x, y) => x.last - y.last);
  let released = 0;
  let next = 0;
  const steps = [...new Set(byStart.map((l) => l.first))].sort((x, y) => x - y);
  for (const step of steps) {
    while (released < byEnd.length && byEnd[released]!.last < step) {
      free.add(bufferOf.get(byEnd[released]!.tensor)!);
      released++;
    }
    while (next < byStart.length && byStart[next]!.first === step) {
      const life = byStart[next++]!;
      const candidates = [...free].sort((x, y) => sizes[x]! - sizes[y]! || x - y);
      let id = candidates.find((b) => sizes[b]! >= life.bytes);
      if (id === undefined && candidates.length > 0) id = candidates[candidates.length - 1]!;
      if (id === undefined) {
        id = sizes.length;
        sizes.push(0);
        tensorsOf.push([]);
      } else free.delete(id);
      sizes[id] = Math.max(sizes[id]!, life.bytes);
      bufferOf.set(life.tensor, id);
      tensorsOf[id]!.push(life.tensor);
    }
  }
  return { sizes, bufferOf, tensorsOf };
}
