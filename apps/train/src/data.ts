import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `dataset-fashion-mnist` package installs the data set. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
  'Ankle boot'] as const;

export type Split = 'train' | 't10k';

/** A split of the data set: `count` images of rows × cols grey values in [0, 1] (row-major, one after another) and their labels. */
export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  images: Float32Array;
  labels: Uint8Array;
}

/** A user-facing failure (missing or malformed data): the CLI prints the message, never a stack trace. */
export class DataError extends Error {}

const IMAGES_MAGIC = 0x00000803; // unsigned byte, 3 dimensions
const LABELS_MAGIC = 0x00000801; // unsigned byte, 1 dimension

/**
 * Parses an IDX file (LeCun's MNIST format: a big-endian magic number whose low byte is the number of dimensions and
 * whose third byte is the element type, 0x08 for unsigned bytes; then each dimension as a big-endian uint32; then the
 * data), gunzipped first when it starts with gzip's magic bytes.
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, source: string): { dims: number[]; data: Uint8Array } {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.byteLength < 8 || view.getUint32(0) !== expectedMagic) {
    const found = raw.byteLength >= 4 ? `0x${view.getUint32(0).toString(16).padStart(8, '0')}` : 'a truncated file';
    throw new DataError(`${source}: not an IDX file of the expected kind (magic 0x${expectedMagic.toString(16).padStart(8, '0')}, found ${found})`);
  }
  const rank = expectedMagic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.byteLength < offset + size) throw new DataError(`${source}: truncated (${dims.join('x')} values expected, ${raw.byteLength - offset} bytes found)`);
  return { dims, data: raw.subarray(offset, offset + size) };
}

function readSplitFile(dir: string, name: string): Uint8Array {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new DataError(`Fashion-MNIST not found: ${path} does not exist (install it with \`apt-get install dataset-fashion-mnist\`, or pass --data DIR)`);
  }
  return readFileSync(path);
}

/** Loads the first `limit` images (all by default) of a Fashion-MNIST split, scaled to [0, 1]. */
export function loadFashionMnist(split: Split, { dir = FASHION_MNIST_DIR, limit }: { dir?: string; limit?: number } = {}): ImageSet {
  const imageFile = `${split}-images-idx3-ubyte.gz`;
  const labelFile = `${split}-labels-idx1-ubyte.gz`;
  const images = parseIdx(readSplitFile(dir, imageFile), IMAGES_MAGIC, imageFile);
  const labels = parseIdx(readSplitFile(dir, labelFile), LABELS_MAGIC, labelFile);
  const [total, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== total) throw new DataError(`${split}: ${total} images but ${labels.dims[0]} labels`);
  const count = Math.min(total, limit ?? total);
  const pixels = new Float32Array(count * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { count, rows, cols, images: pixels, labels: labels.data.slice(0, count) };
}
