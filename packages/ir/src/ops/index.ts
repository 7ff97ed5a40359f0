import type { ActivationKind, NoAttributes } from './activation.js';
import { scaleAdd, type ScaleAddAttributes } from './scale-add.js';
import { squeezeExcite, type SqueezeExciteAttributes } from './squeeze-excite.js';
import { hardSigmoid, identity, relu, relu6, sigmoid, softmax, swish, tanh } from './activation.js';
import { batchNorm, type BatchNormAttributes } from './batch-norm.js';
import { conv, type ConvAttributes } from './conv.js';
import { dense, type DenseAttributes } from './dense.js';
import { add, mul, scale, type ScaleAttributes } from './elementwise.js';
import { avgPool, globalPool, maxPool, type GlobalPoolAttributes, type PoolAttributes } from './pool.js';
import type { OpSpec } from './spec.js';
import {
  channelShuffle,
  concat,
  dropout,
  flatten,
  type ChannelShuffleAttributes,
  type DropoutAttributes,
} from './structural.js';

/**
 * The closed op set: each op's attributes. Adding an op here forces every table keyed by OpKind
 * (OP_SPECS below, and each backend's lowerings) to handle it before the code type-checks again.
 */
export interface OpAttributes {
  Conv: ConvAttributes;
  BatchNorm: BatchNormAttributes;
  Relu: NoAttributes;
  Relu6: NoAttributes;
  Sigmoid: NoAttributes;
  HardSigmoid: NoAttributes;
  Tanh: NoAttributes;
  Swish: NoAttributes;
  Identity: NoAttributes;
  MaxPool: PoolAttributes;
  AvgPool: PoolAttributes;
  GlobalPool: GlobalPoolAttributes;
  Dense: DenseAttributes;
  Add: NoAttributes;
  Mul: NoAttributes;
  Scale: ScaleAttributes;
  Concat: NoAttributes;
  ChannelShuffle: ChannelShuffleAttributes;
  Flatten: NoAttributes;
  Softmax: NoAttributes;
  Dropout: DropoutAttributes;
  // Fused ops, created by the compiler's passes.
  SqueezeExcite: SqueezeExciteAttributes;
  ScaleAdd: ScaleAddAttributes;
}

export type OpKind = keyof OpAttributes;

export const OP_SPECS: { [K in OpKind]: OpSpec<OpAttributes[K]> } = {
  Conv: conv,
  BatchNorm: batchNorm,
  Relu: relu,
  Relu6: relu6,
  Sigmoid: sigmoid,
  HardSigmoid: hardSigmoid,
  Tanh: tanh,
  Swish: swish,
  Identity: identity,
  MaxPool: maxPool,
  AvgPool: avgPool,
  GlobalPool: globalPool,
  Dense: dense,
  Add: add,
  Mul: mul,
  Scale: scale,
  Concat: concat,
  ChannelShuffle: channelShuffle,
  Flatten: flatten,
  Softmax: softmax,
  Dropout: dropout,
  SqueezeExcite: squeezeExcite,
  ScaleAdd: scaleAdd,
};

export function opSpec<K extends OpKind>(kind: K): OpSpec<OpAttributes[K]> {
  return OP_SPECS[kind];
}

export const OP_KINDS = Object.keys(OP_SPECS) as OpKind[];

export { ACTIVATION_FUNCTIONS } from './activation.js';
export type {
  ActivationKind,
  ScaleAddAttributes,
  SqueezeExciteAttributes,
  BatchNormAttributes,
  ChannelShuffleAttributes,
  ConvAttributes,
  DenseAttributes,
  DropoutAttributes,
  GlobalPoolAttributes,
  NoAttributes,
  PoolAttributes,
  ScaleAttributes,
};
