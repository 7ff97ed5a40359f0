import { ShapeError, formatShape, requireRank, type OpSpec } from './spec.js';
import type { NoAttributes } from './activation.js';

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
};

/** [C,H,W] → [C·H·W] (C-major, as NCHW frameworks flatten). */
export const flatten: OpSpec<NoAttributes> = {
  doc: 'Flatten a feature map to a vector, channel-major.',
  arity: 1,
  inferShape: ([input]) => [input!.reduce((a, b) => a * b, 1)],
};

export interface DropoutAttributes {
  rate: number;
}

export const dropout: OpSpec<DropoutAttributes> = {
  doc: 'Dropout (training only; identity at inference).',
  arity: 1,
  inferShape: ([input]) => input!,
  describe: (a) => `rate=${a.rate}`,
};
