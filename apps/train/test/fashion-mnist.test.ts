import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError, loadFashionMnist, parseIdx } from '../src/data.js';
import { train } from '../src/trainer.js';

/** An IDX header: magic, then each dimension, big-endian. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

describe('the IDX loader', () => {
  it('reads raw and gzipped IDX files', () => {
    const raw = idx(0x803, [2, 1, 3], [0, 1, 2, 3, 4, 255]);
    for (const bytes of [raw, new Uint8Array(gzipSync(raw))]) {
      const { dims, data } = parseIdx(bytes, 0x803, 'images');
      expect(dims).toEqual([2, 1, 3]);
      expect([...data]).toEqual([0, 1, 2, 3, 4, 255]);
    }
  });

  it('rejects the wrong kind of file and truncated ones with a message', () => {
    expect(() => parseIdx(idx(0x801, [3], [1, 2, 3]), 0x803, 'x.gz')).toThrow(/x.gz: not an IDX file of the expected kind \(magic 0x00000803, found 0x00000801\)/);
    expect(() => parseIdx(idx(0x801, [5], [1, 2]), 0x801, 'y.gz')).toThrow(DataError);
    expect(() => loadFashionMnist('train', { dir: '/nonexistent' })).toThrow(/apt-get install dataset-fashion-mnist/);
  });

  it('loads the held-out split: 10000 images of 28×28 in [0, 1], 1000 of each class', () => {
    const set = loadFashionMnist('t10k');
    expect([set.count, set.rows, set.cols, set.images.length]).toEqual([10000, 28, 28, 10000 * 784]);
    expect(Math.min(...set.images.subarray(0, 784))).toBe(0);
    expect(set.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    const perClass = new Array(10).fill(0);
    for (const label of set.labels) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(1000));
    expect(loadFashionMnist('train', { limit: 5 }).labels.length).toBe(5);
  });
});

describe('training on Fashion-MNIST', () => {
  it('an SE network from models/se-fashion.se learns on wasm: loss falls, held-out accuracy far above chance', async () => {
    const result = await train({ trainSize: 4000, testSize: 1000, epochs: 1, batchSize: 32, backend: 'wasm', seed: 0 });
    const [epoch] = result.epochs;
    expect(result.backend).toBe('wasm');
    expect(result.initial.accuracy).toBeLessThan(0.25); // untrained: about chance (0.1)
    expect(epoch!.lastLoss).toBeLessThan(0.7 * epoch!.firstLoss);
    expect(epoch!.heldOut.loss).toBeLessThan(0.5 * result.initial.loss);
    expect(epoch!.heldOut.accuracy).toBeGreaterThanOrEqual(0.6);
  }, 180_000);
});
