import { windowOutput } from '@excite/ir';
import { tf, tfl, type Kwargs, type LayerArgs } from './tf.js';

/**
 * The custom tfjs layers the lowerings need where stock tfjs-layers 4.22 computes something else or nothing:
 * PyTorch's hard sigmoid, a constant scale, Caffe/PyTorch pooling (ceil mode, asymmetric padding, -inf padding for
 * max, PyTorch's divisors for average) and grouped convolution (tfjs-layers' conv2d has no `groups`). Each is
 * registered with `tf.serialization.registerClass` when this module loads, so `tf.loadLayersModel` can rebuild
 * models that use them in any program that imports this package.
 */
type LayerShape = (number | null)[];

/**
 * Initializers for layers whose weights are loaded right after they are built: zeros cost nothing, where tfjs's
 * default random initializers spend seconds on a ResNet-50's 25M values only to be overwritten.
 */
export const LOADED = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

function singleShape(shape: LayerShape | LayerShape[]): LayerShape {
  return Array.isArray(shape[0]) ? (shape[0] as LayerShape) : (shape as LayerShape);
}

/** PyTorch's hard sigmoid, relu6(x + 3) / 6. (tfjs's `hardSigmoid` activation is clip(0.2·x + 0.5, 0, 1).) */
export class HardSigmoid extends tfl.layers.Layer {
  static className = 'ExciteHardSigmoid';
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.div(tf.relu6(tf.add(single(inputs), 3)), 6));
  }
}

export interface ScaleArgs extends LayerArgs {
  factor: number;
}

/** Multiplication by a constant (the IR's Scale). */
export class Scale extends tfl.layers.Layer {
  static className = 'ExciteScale';
  readonly factor: number;
  constructor(args: ScaleArgs) {
    super(args);
    this.factor = args.factor;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.factor));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

export interface Pool2DArgs extends LayerArgs {
  mode: 'max' | 'avg';
  poolSize: [number, number];
  strides: [number, number];
  /** The IR's padding, [top, left, bottom, right]. */
  pads: [number, number, number, number];
  ceil: boolean;
  countIncludePad: boolean;
}

/**
 * Max or average pooling with the IR's (PyTorch's) semantics on NHWC input: explicit asymmetric padding, ceil mode
 * (extra rows and columns past the padding as needed), max pooling padded with -inf, and average pooling divided
 * by PyTorch's count (the window clipped to the padded input, or only the cells inside the image).
 */
export class Pool2D extends tfl.layers.Layer {
  static className = 'ExcitePool2D';
  readonly settings: Omit<Pool2DArgs, keyof LayerArgs>;
  constructor(args: Pool2DArgs) {
    super(args);
    const { mode, poolSize, strides, pads, ceil, countIncludePad } = args;
    this.settings = { mode, poolSize, strides, pads, ceil, countIncludePad };
  }

  private outputSize(h: number, w: number): [number, number] {
    const { poolSize: [kh, kw], strides: [sh, sw], pads: [t, l, b, r], ceil } = this.settings;
    return [windowOutput(h, kh, sh, t, b, 1, ceil), windowOutput(w, kw, sw, l, r, 1, ceil)];
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, h, w, c] = singleShape(inputShape);
    const [oh, ow] = this.outputSize(h!, w!);
    return [n ?? null, oh, ow, c ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const { mode, poolSize: [kh, kw], strides: [sh, sw], pads: [t, l, b, r], countIncludePad } = this.settings;
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const [oh, ow] = this.outputSize(h, w);
      // Pad so that 'valid' pooling yields exactly oh × ow windows, the last ones reaching past the IR's padding in
      // ceil mode.
      const bottom = Math.max(b, (oh - 1) * sh + kh - h - t);
      const right = Math.max(r, (ow - 1) * sw + kw - w - l);
      const padded = tf.pad(x, [[0, 0], [t, bottom], [l, right], [0, 0]], mode === 'max' ? -Infinity : 0);
      if (mode === 'max') return tf.maxPool(padded, [kh, kw], [sh, sw], 'valid');
      const mean = tf.avgPool(padded, [kh, kw], [sh, sw], 'valid');
      const factors = new Float32Array(oh * ow);
      let uniform = true;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const y0 = oy * sh - t;
          const x0 = ox * sw - l;
          const count = countIncludePad
            ? (Math.min(y0 + kh, h + b) - y0) * (Math.min(x0 + kw, w + r) - x0)
            : (Math.min(y0 + kh, h) - Math.max(y0, 0)) * (Math.min(x0 + kw, w) - Math.max(x0, 0));
          factors[oy * ow + ox] = (kh * kw) / count;
          if (count !== kh * kw) uniform = false;
        }
      }
      return uniform ? mean : tf.mul(mean, tf.tensor4d(factors, [1, oh, ow, 1]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.settings };
  }
}

export interface GroupedConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  dilationRate: [number, number];
  groups: number;
  useBias: boolean;
}

/**
 * Grouped convolution (1 < groups < channels), 'valid' padding (pad with ZeroPadding2D before it): the input and
 * the kernel [kh, kw, C/groups, filters] split into `groups` slices, one conv2d each, outputs concatenated along
 * channels. tfjs-layers 4.22's conv2d has no `groups` argument. Weights start at zero: they are always loaded.
 */
export class GroupedConv2D extends tfl.layers.Layer {
  static className = 'ExciteGroupedConv2D';
  readonly settings: Omit<GroupedConv2DArgs, keyof LayerArgs>;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: GroupedConv2DArgs) {
    super(args);
    const { filters, kernelSize, strides, dilationRate, groups, useBias } = args;
    this.settings = { filters, kernelSize, strides, dilationRate, groups, useBias };
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const channels = singleShape(inputShape)[3]!;
    const { filters, kernelSize: [kh, kw], groups, useBias } = this.settings;
    this.kernel = this.addWeight('kernel', [kh, kw, channels / groups, filters], 'float32',
      tfl.initializers.zeros());
    if (useBias) this.bias = this.addWeight('bias', [filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, h, w] = singleShape(inputShape);
    const { filters, kernelSize: [kh, kw], strides: [sh, sw], dilationRate: [dh, dw] } = this.settings;
    return [n ?? null, windowOutput(h!, kh, sh, 0, 0, dh), windowOutput(w!, kw, sw, 0, 0, dw), filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const { groups, strides, dilationRate } = this.settings;
    return tf.tidy(() => {
      const xs = tf.split(single(inputs) as tf.Tensor4D, groups, 3) as tf.Tensor4D[];
      const ks = tf.split(this.kernel!.read() as tf.Tensor4D, groups, 3) as tf.Tensor4D[];
      const parts = xs.map((x, g) => tf.conv2d(x, ks[g]!, strides, 'valid', 'NHWC', dilationRate));
      const y = tf.concat(parts, 3);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.settings };
  }
}

/** Every custom layer class, by its registered class name. */
export const CUSTOM_LAYERS = [HardSigmoid, Scale, Pool2D, GroupedConv2D] as const;

for (const layer of CUSTOM_LAYERS) tf.serialization.registerClass(layer);
