import type { NoAttributes } from './activation.js';
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
};

export function opSpec<K extends OpKind>(kind: K): OpSpec<OpAttributes[K]> {
  return OP_SPECS[kind];
}

export const OP_KINDS = Object.keys(OP_SPECS) as OpKind[];

export type {
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
