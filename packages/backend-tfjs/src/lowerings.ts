import type { OpKind } from '@excite/ir';
import type { Lowering } from './lowering.js';
import {
  lowerHardSigmoid,
  lowerIdentity,
  lowerRelu,
  lowerRelu6,
  lowerSigmoid,
  lowerSwish,
  lowerTanh,
} from './lower/activation.js';
import { lowerBatchNorm } from './lower/batch-norm.js';
import { lowerConv } from './lower/conv.js';
import { lowerDense } from './lower/dense.js';
import { lowerAdd, lowerMul, lowerScale } from './lower/elementwise.js';
import { lowerAvgPool, lowerGlobalPool, lowerMaxPool } from './lower/pool.js';
import { lowerScaleAdd } from './lower/scale-add.js';
import { lowerSqueezeExcite } from './lower/squeeze-excite.js';
import { lowerChannelShuffle, lowerConcat, lowerDropout, lowerFlatten, lowerSoftmax } from './lower/structural.js';

/** One lowering per IR op: a new op in the IR fails to type-check here until it is lowered. */
export const LOWERINGS = {
  Conv: lowerConv,
  BatchNorm: lowerBatchNorm,
  Relu: lowerRelu,
  Relu6: lowerRelu6,
  Sigmoid: lowerSigmoid,
  HardSigmoid: lowerHardSigmoid,
  Tanh: lowerTanh,
  Swish: lowerSwish,
  Identity: lowerIdentity,
  MaxPool: lowerMaxPool,
  AvgPool: lowerAvgPool,
  GlobalPool: lowerGlobalPool,
  Dense: lowerDense,
  Add: lowerAdd,
  Mul: lowerMul,
  Scale: lowerScale,
  Concat: lowerConcat,
  ChannelShuffle: lowerChannelShuffle,
  Flatten: lowerFlatten,
  Softmax: lowerSoftmax,
  Dropout: lowerDropout,
  SqueezeExcite: lowerSqueezeExcite,
  ScaleAdd: lowerScaleAdd,
} satisfies { [K in OpKind]: Lowering<K> };
