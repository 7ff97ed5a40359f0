import type { OpKind } from '@excite/ir';
import {
  inferHardSigmoid,
  inferIdentity,
  inferRelu,
  inferRelu6,
  inferSigmoid,
  inferSwish,
  inferTanh,
} from './activation.js';
import { inferBatchNorm } from './batch-norm.js';
import type { InferenceLowering } from './context.js';
import { inferConv } from './conv.js';
import { inferDense } from './dense.js';
import { inferAdd, inferMul, inferScale } from './elementwise.js';
import { inferAvgPool, inferGlobalPool, inferMaxPool } from './pool.js';
import { inferScaleAdd } from './scale-add.js';
import { inferSqueezeExcite } from './squeeze-excite.js';
import { inferChannelShuffle, inferConcat, inferDropout, inferFlatten, inferSoftmax } from './structural.js';

/** One inference-form lowering per IR op: a new op in the IR fails to type-check here until it is lowered. */
export const INFERENCE_LOWERINGS = {
  Conv: inferConv,
  BatchNorm: inferBatchNorm,
  Relu: inferRelu,
  Relu6: inferRelu6,
  Sigmoid: inferSigmoid,
  HardSigmoid: inferHardSigmoid,
  Tanh: inferTanh,
  Swish: inferSwish,
  Identity: inferIdentity,
  MaxPool: inferMaxPool,
  AvgPool: inferAvgPool,
  GlobalPool: inferGlobalPool,
  Dense: inferDense,
  Add: inferAdd,
  Mul: inferMul,
  Scale: inferScale,
  Concat: inferConcat,
  ChannelShuffle: inferChannelShuffle,
  Flatten: inferFlatten,
  Softmax: inferSoftmax,
  Dropout: inferDropout,
  SqueezeExcite: inferSqueezeExcite,
  ScaleAdd: inferScaleAdd,
} satisfies { [K in OpKind]: InferenceLowering<K> };
