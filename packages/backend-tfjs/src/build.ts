import type { Graph } from '@excite/ir';
import type { LayerCall, LayerFactory, Symbolic } from './lowering.js';
import { planLayers, type LayerPlan } from './plan.js';
import { tf, tfl } from './tf.js';

export { layerName } from './plan.js';

export interface BuildOptions {
  /** Seed for weights that hold no data (default 0: the same weights as every other backend). */
  seed?: number;
  /** The model's name (default: the graph's, sanitised). */
  name?: string;
}

/** Creates the stock layer a call names; the factories' argument types are checked where the call is planned. */
export function createLayer(call: LayerCall): tfl.layers.Layer {
  const factory = tfl.layers[call.factory as LayerFactory] as (config: unknown) => tfl.layers.Layer;
  return factory(call.config);
}

/** Instantiates a layer plan as a tfjs LayersModel with the plan's weights loaded. */
export function realizePlan(plan: LayerPlan): tfl.LayersModel {
  const input = tfl.input({ shape: plan.input.shape, name: plan.input.name, dtype: 'float32' });
  const values = new Map<string, Symbolic>([[plan.input.value, input]]);
  for (const call of plan.calls) {
    const layer = createLayer(call);
    const inputs = call.inputs.map((v) => values.get(v)!);
    values.set(call.output, layer.apply(call.list ? inputs : inputs[0]!) as Symbolic);
    if (call.weights.length > 0) {
      const tensors = call.weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
      layer.setWeights(tensors);
      tf.dispose(tensors);
    }
  }
  return tfl.model({ inputs: input, outputs: values.get(plan.output)!, name: plan.name });
}

/**
 * Builds a trainable tfjs LayersModel (NHWC) computing the IR graph (NCHW), with the graph's weights loaded (or,
 * where an initializer has no data, the seed's). Only stock tfjs-layers classes are used, so the model saves to
 * artifacts that stock `tf.loadLayersModel` reloads. Works for the unfused training graph and for the inference
 * pipeline's fused ops alike.
 */
export function buildLayersModel(graph: Graph, options: BuildOptions = {}): tfl.LayersModel {
  return realizePlan(planLayers(graph, options));
}
