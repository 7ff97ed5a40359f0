import type { OpKind } from '@excite/ir';
import type { Lowering } from './lowering.js';
import {
  hardSigmoidLowering, identityLowering, relu6Lowering, reluLowering, sigmoidLowering, swishLowering, tanhLowering,
} from './lower/activation.js';
import { batchNormLowering } from './lower/batch-norm.js';
import { convLowering } from './lower/conv.js';
import { denseLowering } from './lower/dense.js';
import { addLowering, mulLowering, scaleLowering } from './lower/elementwise.js';
import { avgPoolLowering, globalPoolLowering, maxPoolLowering } from './lower/pool.js';
import { scaleAddLowering } from './lower/scale-add.js';
import { softmaxLowering } from './lower/softmax.js';
import { squeezeExciteLowering } from './lower/squeeze-excite.js';
import { channelShuffleLowering, concatLowering, dropoutLowering, flattenLowering } from './lower/structural.js';

/**
 * Every IR op's ONNX lowering. `satisfies` makes a new op in the IR a compile error here until it is lowered.
 * The importer tries them in this order; each recognises only the exact node runs it emits.
 */
export const LOWERINGS = {
  Conv: convLowering,
  BatchNorm: batchNormLowering,
  Relu: reluLowering,
  Relu6: relu6Lowering,
  Sigmoid: sigmoidLowering,
  HardSigmoid: hardSigmoidLowering,
  Tanh: tanhLowering,
  Swish: swishLowering,
  Identity: identityLowering,
  MaxPool: maxPoolLowering,
  AvgPool: avgPoolLowering,
  GlobalPool: globalPoolLowering,
  Dense: denseLowering,
  Add: addLowering,
  Mul: mulLowering,
  Scale: scaleLowering,
  Concat: concatLowering,
  ChannelShuffle: channelShuffleLowering,
  Flatten: flattenLowering,
  Softmax: softmaxLowering,
  Dropout: dropoutLowering,
  SqueezeExcite: squeezeExciteLowering,
  ScaleAdd: scaleAddLowering,
} satisfies { [K in OpKind]: Lowering<K> };
