// The ONNX protobuf classes (onnx-proto: protobufjs classes generated from onnx.proto, ONNX 1.10 / IR 8) and the
// small helpers every lowering uses to build attributes and tensors.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type FunctionProto = onnxProto.onnx.IFunctionProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

/** An attribute value as lowerings write them: numbers are ints unless wrapped with `float()`. */
export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

export const float = (value: number): { float: number } => ({ float: value });

/** Attributes in a fixed (sorted) order, so the bytes never depend on how a lowering spelled its object. */
export function attributes(values: Record<string, AttributeValue | undefined>): AttributeProto[] {
  const T = onnx.AttributeProto.AttributeType;
  return Object.keys(values)
    .sort()
    .flatMap((name): AttributeProto[] => {
      const v = values[name];
      if (v === undefined) return [];
      if (typeof v === 'number') return [{ name, type: T.INT, i: v }];
      if (typeof v === 'string') return [{ name, type: T.STRING, s: new TextEncoder().encode(v) }];
      if (Array.isArray(v)) return [{ name, type: T.INTS, ints: v }];
      if ('float' in v) return [{ name, type: T.FLOAT, f: v.float }];
      return [{ name, type: T.FLOATS, floats: v.floats }];
    });
}

/** Reads a node's attributes back as plain values (ints as numbers, floats as numbers, strings decoded). */
export function readAttributes(node: NodeProto): Map<string, number | number[] | string> {
  const T = onnx.AttributeProto.AttributeType;
  const out = new Map<string, number | number[] | string>();
  for (const a of node.attribute ?? []) {
    switch (a.type) {
      case T.INT: out.set(a.name!, Number(a.i)); break;
      case T.FLOAT: out.set(a.name!, a.f!); break;
      case T.INTS: out.set(a.name!, (a.ints ?? []).map(Number)); break;
      case T.FLOATS: out.set(a.name!, [...(a.floats ?? [])]); break;
      case T.STRING: out.set(a.name!, new TextDecoder().decode(a.s!)); break;
      default: break;
    }
  }
  return out;
}

/** Whether this host stores floats little-endian, as ONNX's raw_data does: then tensors are plain byte copies. */
const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

/** float32 data as a little-endian raw_data tensor. */
export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>): TensorProto {
  if (LITTLE_ENDIAN) {
    // A view of the weights' own bytes (IR weights are never mutated in place; encoding copies them once): per-element
    // DataView writes cost seconds on SE-ResNet-50's 110 MB.
    const floats = data instanceof Float32Array ? data : Float32Array.from(data);
    return { name, dims: [...dims], dataType: FLOAT, rawData: new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength) };
  }
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return { name, dims: [...dims], dataType: FLOAT, rawData: bytes };
}

/** int64 data as a little-endian raw_data tensor. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  const bytes = new Uint8Array(data.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]!), true);
  return { name, dims: [...dims], dataType: INT64, rawData: bytes };
}

/** The values of a float or int64 tensor (raw_data or the typed fields). */
export function tensorValues(t: TensorProto): number[] {
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dataType === INT64) return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    return Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  if (t.dataType === INT64) return (t.int64Data ?? []).map(Number);
  return [...(t.floatData ?? [])];
}

export function tensorFloat32(t: TensorProto): Float32Array {
  const raw = t.rawData;
  if (LITTLE_ENDIAN && t.dataType === FLOAT && raw && raw.length > 0) {
    // A copy into a fresh, aligned buffer (the protobuf's bytes may sit at any offset).
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensorValues(t));
}
