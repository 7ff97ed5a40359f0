import { ShapeError, formatShape, requireRank, type OpSpec } from './spec.js';
import type { NoAttributes } from './activation.js';
import { asNchw, tensor } from '../reference/tensor.js';

/** Joins feature maps along channels. */
export const concat: OpSpec<NoAttributes> = {
  doc: 'Concatenation along channels of maps with one spatial size.',
  arity: 'variadic',
  inferShape(inputs) {
    const maps = inputs.map((s) => requireRank(s, 3, 'concat'));
    const [, h, w] = maps[0]!;
    for (const m of maps) {
      if (m[1] !== h || m[2] !== w) {
        throw new ShapeError(
          'E0405',
          `cannot concatenate ${maps.map(formatShape).join(' and ')}: spatial sizes differ`,
        );
      }
    }
    return [maps.reduce((sum, m) => sum + m[0]!, 0), h!, w!];
  },
  reference(inputs, _weights, _a, [c, h, w]) {
    const n = inputs[0]!.shape[0]!;
    const out = tensor([n, c!, h!, w!]);
    const sampleSize = c! * h! * w!;
    for (let b = 0; b < n; b++) {
      let offset = b * sampleSize;
      for (const input of inputs) {
        const size = input.data.length / n;
        out.data.set(input.data.subarray(b * size, (b + 1) * size), offset);
        offset += size;
      }
    }
    return out;
  },
};

export interface ChannelShuffleAttributes {
  groups: number;
}

/** ShuffleNet's channel shuffle: reshape to [g, C/g], transpose, flatten. */
export const channelShuffle: OpSpec<ChannelShuffleAttributes> = {
  doc: 'Channel shuffle: [g, C/g] → [C/g, g] interleaving.',
  arity: 1,
  inferShape([input], a) {
    const [c] = requireRank(input, 3, 'channel_shuffle');
    if (c! % a.groups !== 0) {
      throw new ShapeError('E0402', `channel_shuffle groups = ${a.groups} must divide the ${c} channels`);
    }
    return input!;
  },
  geometry: (a) => ({ groups: a.groups }),
  describe: (a) => `groups=${a.groups}`,
  reference([x], _weights, a) {
    // Output channel j·g + i takes input channel i·(C/g) + j: the [g, C/g] → [C/g, g] transpose.
    const [n, c, h, w] = asNchw(x!);
    const out = tensor(x!.shape);
    const plane = h * w;
    const perGroup = c / a.groups;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < a.groups; i++) {
        for (let j = 0; j < perGroup; j++) {
          const from = (b * c + i * perGroup + j) * plane;
          const to = (b * c + j * a.groups + i) * plane;
          out.data.set(x!.data.subarray(from, from + plane), to);
        }
      }
    }
    return out;
  },
};

/** [C,H,W] → [C·H·W] (C-major, as NCHW frameworks flatten). */
export const flatten: OpSpec<NoAttributes> = {
  doc: 'Flatten a feature map to a vector, channel-major.',
  arity: 1,
  inferShape: ([input]) => [input!.reduce((a, b) => a * b, 1)],
  reference: ([x], _weights, _a, [f]) => tensor([x!.shape[0]!, f!], x!.data.slice()),
};

export interface DropoutAttributes {
  rate: number;
}

export const dropout: OpSpec<DropoutAttributes> = {
  doc: 'Dropout (training only; identity at inference).',
  arity: 1,
  inferShape: ([input]) => input!,
  describe: (a) => `rate=${a.rate}`,
  // The reference interpreter computes inference: dropout passes its input through.
  reference: ([x]) => tensor(x!.shape, x!.data.slice()),
};
