import { buildLayersModel, registerWasmTrainingKernels, tf, useBackend, type BackendName } from '@excite/backend-tfjs';
import { loadFashionMnist, type ImageSet } from './data.js';
import { DEFAULT_MODEL, loadSeModel } from './model.js';

export interface TrainOptions {
  /** The `.se` file (default: models/se-fashion.se) and, when it declares several, the model's name. */
  modelPath?: string;
  modelName?: string;
  epochs?: number;
  batchSize?: number;
  /** How many training images to use (the first ones, shuffled each epoch); at most 60000. */
  trainSize?: number;
  /** How many held-out (t10k) images to evaluate on; at most 10000. */
  testSize?: number;
  backend?: BackendName;
  learningRate?: number;
  /** Seeds the initial weights and the shuffling: the same options train the same network. */
  seed?: number;
  dataDir?: string;
  /** Receives one progress line per epoch (default: none). */
  log?: (line: string) => void;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export interface EpochReport {
  epoch: number;
  /** Mean training loss over the epoch's first and last tenth of batches, and over all of them. */
  firstLoss: number;
  lastLoss: number;
  loss: number;
  accuracy: number;
  heldOut: Evaluation;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  backend: string;
  parameters: number;
  /** The held-out loss and accuracy of the untrained network. */
  initial: Evaluation;
  epochs: EpochReport[];
}

/** A seeded permutation of 0..n-1 (Fisher–Yates over mulberry32). */
function permutation(n: number, seed: number): Int32Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Images as an NHWC batch [N, rows, cols, 1] (one channel: NCHW and NHWC agree) and one-hot labels. */
function tensors(set: ImageSet): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.tensor4d(set.images, [set.count, set.rows, set.cols, 1]),
    y: tf.oneHot(tf.tensor1d(set.labels, 'int32'), 10) as tf.Tensor2D,
  }));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

/**
 * Trains an SE network written in `.se` on Fashion-MNIST with TensorFlow.js (Adam, cross-entropy), on the wasm
 * backend with our gradient kernels by default, evaluating on held-out t10k images before training and after
 * every epoch.
 */
export async function train(options: TrainOptions = {}): Promise<TrainResult> {
  const { modelPath = DEFAULT_MODEL, modelName, epochs = 1, batchSize = 32, trainSize = 60000, testSize = 10000, backend = 'wasm',
    learningRate = 0.005, seed = 0, dataDir, log = () => {} } = options;
  const active = await useBackend(backend);
  if (backend === 'wasm') registerWasmTrainingKernels();
  const graph = loadSeModel(modelPath, { ...(modelName ? { model: modelName } : {}), seed });
  const trainSet = loadFashionMnist('train', { ...(dataDir ? { dir: dataDir } : {}), limit: trainSize });
  const testSet = loadFashionMnist('t10k', { ...(dataDir ? { dir: dataDir } : {}), limit: testSize });
  const [c, h, w] = graph.input.shape;
  if (c !== 1 || h !== trainSet.rows || w !== trainSet.cols) {
    throw new Error(`${modelPath}: the model's input is ${graph.input.shape.join('x')}, Fashion-MNIST images are 1x${trainSet.rows}x${trainSet.cols}`);
  }
  const model = buildLayersModel(graph);
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const train = tensors(trainSet);
  const test = tensors(testSet);
  const evaluate = (): Evaluation => {
    const [loss, accuracy] = model.evaluate(test.x, test.y, { batchSize: 500 }) as tf.Scalar[];
    const result = { loss: loss!.dataSync()[0]!, accuracy: accuracy!.dataSync()[0]! };
    tf.dispose([loss!, accuracy!]);
    return result;
  };
  try {
    const initial = evaluate();
    log(`${graph.name}: ${model.countParams()} parameters, ${trainSet.count} training / ${testSet.count} held-out images, backend ${active}; `
      + `before training: held-out loss ${initial.loss.toFixed(4)}, accuracy ${initial.accuracy.toFixed(3)}`);
    const reports: EpochReport[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = tf.tensor1d(permutation(trainSet.count, seed * 1000 + epoch), 'int32');
      const x = tf.gather(train.x, order);
      const y = tf.gather(train.y, order);
      const losses: number[] = [];
      const accuracies: number[] = [];
      const start = performance.now();
      await model.fit(x, y, {
        epochs: 1, batchSize, shuffle: false, verbose: 0,
        callbacks: { onBatchEnd: async (_batch, logs) => { losses.push(logs!.loss!); accuracies.push(logs!.acc ?? 0); } },
      });
      const seconds = (performance.now() - start) / 1000;
      tf.dispose([order, x, y]);
      const tenth = Math.max(1, Math.floor(losses.length / 10));
      const heldOut = evaluate();
      const report: EpochReport = {
        epoch, firstLoss: mean(losses.slice(0, tenth)), lastLoss: mean(losses.slice(-tenth)), loss: mean(losses), accuracy: mean(accuracies),
        heldOut, seconds, imagesPerSecond: trainSet.count / seconds,
      };
      reports.push(report);
      log(`epoch ${epoch}/${epochs}  loss ${report.firstLoss.toFixed(4)} → ${report.lastLoss.toFixed(4)}  train acc ${report.accuracy.toFixed(3)}  `
        + `held-out loss ${heldOut.loss.toFixed(4)} acc ${heldOut.accuracy.toFixed(3)}  ${report.imagesPerSecond.toFixed(0)} img/s  ${seconds.toFixed(1)} s`);
    }
    return { backend: active, parameters: model.countParams(), initial, epochs: reports };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
    model.dispose();
  }
}
