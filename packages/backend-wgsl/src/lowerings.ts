import type { OpKind } from '@excite/ir';
import type { Lowering } from './lowering.js';
import { activationLowering } from './lower/activation.js';
import { batchNormLowering } from './lower/batch-norm.js';
import { convLowering } from './lower/conv.js';
import { denseLowering } from './lower/dense.js';
import { addLowering, mulLowering, scaleLowering } from './lower/elementwise.js';
import { avgPoolLowering, globalPoolLowering, maxPoolLowering } from './lower/pool.js';
import { scaleAddLowering } from './lower/scale-add.js';
import { softmaxLowering } from './lower/softmax.js';
import { squeezeExciteLowering } from './lower/squeeze-excite.js';
import { aliasLowering, channelShuffleLowering, concatLowering } from './lower/structural.js';

/** Every op of the IR has a WGSL lowering: adding an op to the IR fails to type-check here until it gets one. */
export const LOWERINGS = {
  Conv: convLowering,
  BatchNorm: batchNormLowering,
  Relu: activationLowering<'Relu'>('relu'),
  Relu6: activationLowering<'Relu6'>('relu6'),
  Sigmoid: activationLowering<'Sigmoid'>('sigmoid'),
  HardSigmoid: activationLowering<'HardSigmoid'>('hard_sigmoid'),
  Tanh: activationLowering<'Tanh'>('tanh'),
  Swish: activationLowering<'Swish'>('swish'),
  Identity: activationLowering<'Identity'>('identity'),
  MaxPool: maxPoolLowering,
  AvgPool: avgPoolLowering,
  GlobalPool: globalPoolLowering,
  Dense: denseLowering,
  Add: addLowering,
  Mul: mulLowering,
  Scale: scaleLowering,
  Concat: concatLowering,
  ChannelShuffle: channelShuffleLowering,
  Flatten: aliasLowering as Lowering<'Flatten'>,
  Softmax: softmaxLowering,
  Dropout: aliasLowering as Lowering<'Dropout'>,
  SqueezeExcite: squeezeExciteLowering,
  ScaleAdd: scaleAddLowering,
} satisfies { [K in OpKind]: Lowering<K> };
