/**
 * The GEMM block of gemm.ts (`multiplyBlock`) as a WebAssembly SIMD function, assembled here from named
 * instructions (no toolchain, no binary blob): the same 4×4 register tile and the same k order, with each C row's
 * four float64 sums held as two f64x2 vectors. Plain f64x2.mul then f64x2.add (no fused or relaxed ops), so every
 * value is bit-identical to the JavaScript kernel's; it runs about four times faster because each instruction does
 * two multiply-adds and memory accesses need no bounds checks. A is read straight from the float32 weights
 * (row-major, each value widened exactly to float64 as it is loaded), so a conv's weights need only a copy into
 * memory, not a repacking: for the small maps of the test suite's inputs, packing cost more than the products.
 *
 * Signature (all i32): multiplyBlock(a, aRowBytes, kc, rowPanels, b, width, c, ldcBytes) where
 *   a          byte address of A[0][k0] (float32, rows aRowBytes apart; panel p starts 4p rows down),
 *   kc         k steps in the block (≥ 1), rowPanels the number of 4-row panels (≥ 1),
 *   b          byte address of the B tile, kc rows of `width` float64 (width a positive multiple of 4),
 *   c          byte address of C at (row 0, the tile's first column), rows ldcBytes apart.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...unsignedLeb(body.length), ...body];
const name = (text: string): number[] => vector([...text].map((ch) => [ch.charCodeAt(0)]));

/** The instructions the kernel uses, by their text-format names. Memory immediates: alignment hint 2³, offset. */
const op = {
  localGet: (i: number) => [0x20, ...unsignedLeb(i)],
  localSet: (i: number) => [0x21, ...unsignedLeb(i)],
  localTee: (i: number) => [0x22, ...unsignedLeb(i)],
  i32Const: (v: number) => [0x41, ...signedLeb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...unsignedLeb(depth)],
  v128Load: (offset: number) => [0xfd, ...unsignedLeb(0x00), 3, ...unsignedLeb(offset)],
  v128Store: (offset: number) => [0xfd, ...unsignedLeb(0x0b), 3, ...unsignedLeb(offset)],
  v128Load32Splat: (offset: number) => [0xfd, ...unsignedLeb(0x09), 2, ...unsignedLeb(offset)],
  f64x2PromoteLowF32x4: [0xfd, ...unsignedLeb(0x5f)],
  f64x2Add: [0xfd, ...unsignedLeb(0xf0)],
  f64x2Mul: [0xfd, ...unsignedLeb(0xf2)],
};

// Parameters, then locals: i32 first, then v128.
const A = 0, A_ROW_BYTES = 1, KC = 2, ROW_PANELS = 3, B = 4, WIDTH = 5, C = 6, LDC_BYTES = 7;
const A_ROW = 8, C_ROW = 9, COLUMN = 10, A_AT = 11, B_AT = 12, A_END = 13, B_ROW_BYTES = 14, PANELS_LEFT = 15;
/** Locals holding the byte offsets of A's rows 1, 2 and 3 from row 0. */
const ROW_OFFSET = [-1, 16, 17, 18];
const I32_LOCALS = 11;
/** acc(r, h): columns 2h and 2h + 1 of C row r in the tile. */
const acc = (r: number, h: number) => 19 + r * 2 + h;
const B01 = 27, B23 = 28, A_SPLAT = 29;
const V128_LOCALS = 11;

function multiplyBlockBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) code.push(...part);
  };
  /** Byte address of C[row r][column COLUMN] within the current row panel. */
  const cAddress = (r: number) => [
    ...op.localGet(C_ROW), ...op.localGet(LDC_BYTES), ...op.i32Const(r), ...op.i32Mul, ...op.i32Add,
    ...op.localGet(COLUMN), ...op.i32Const(8), ...op.i32Mul, ...op.i32Add,
  ];
  emit(op.localGet(WIDTH), op.i32Const(8), op.i32Mul, op.localSet(B_ROW_BYTES));
  for (let r = 1; r < 4; r++) emit(op.localGet(A_ROW_BYTES), op.i32Const(r), op.i32Mul, op.localSet(ROW_OFFSET[r]!));
  emit(op.localGet(A), op.localSet(A_ROW), op.localGet(C), op.localSet(C_ROW), op.localGet(ROW_PANELS), op.localSet(PANELS_LEFT));
  emit(op.loop); // over row panels
  emit(op.i32Const(0), op.localSet(COLUMN));
  emit(op.loop); // over 4-column groups of the tile
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(cAddress(r), op.v128Load(h * 16), op.localSet(acc(r, h)));
  emit(op.localGet(A_ROW), op.localTee(A_AT), op.localGet(KC), op.i32Const(4), op.i32Mul, op.i32Add, op.localSet(A_END));
  emit(op.localGet(B), op.localGet(COLUMN), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(B_AT));
  emit(op.loop); // over k: C[r][0..4) += A[r][k] · B[k][0..4)
  emit(op.localGet(B_AT), op.v128Load(0), op.localSet(B01), op.localGet(B_AT), op.v128Load(16), op.localSet(B23));
  for (let r = 0; r < 4; r++) {
    // A[r][k] of the panel, widened and broadcast to both lanes.
    const rowAddress = r === 0 ? op.localGet(A_AT) : [...op.localGet(A_AT), ...op.localGet(ROW_OFFSET[r]!), ...op.i32Add];
    emit(rowAddress, op.v128Load32Splat(0), op.f64x2PromoteLowF32x4, op.localSet(A_SPLAT));
    emit(op.localGet(acc(r, 0)), op.localGet(A_SPLAT), op.localGet(B01), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, 0)));
    emit(op.localGet(acc(r, 1)), op.localGet(A_SPLAT), op.localGet(B23), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, 1)));
  }
  emit(op.localGet(B_AT), op.localGet(B_ROW_BYTES), op.i32Add, op.localSet(B_AT));
  emit(op.localGet(A_AT), op.i32Const(4), op.i32Add, op.localTee(A_AT), op.localGet(A_END), op.i32LtU, op.brIf(0));
  emit(op.end);
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(cAddress(r), op.localGet(acc(r, h)), op.v128Store(h * 16));
  emit(op.localGet(COLUMN), op.i32Const(4), op.i32Add, op.localTee(COLUMN), op.localGet(WIDTH), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.localGet(A_ROW), op.localGet(A_ROW_BYTES), op.i32Const(4), op.i32Mul, op.i32Add, op.localSet(A_ROW));
  emit(op.localGet(C_ROW), op.localGet(LDC_BYTES), op.i32Const(4), op.i32Mul, op.i32Add, op.localSet(C_ROW));
  emit(op.localGet(PANELS_LEFT), op.i32Const(-1), op.i32Add, op.localTee(PANELS_LEFT), op.brIf(0));
  emit(op.end);
  emit(op.end); // function
  return code;
}

/** The module: imports its memory as env.memory and exports `multiplyBlock`. */
export function gemmModuleBytes(): Uint8Array {
  const body = [...vector([[...unsignedLeb(I32_LOCALS), I32], [...unsignedLeb(V128_LOCALS), V128]]), ...multiplyBlockBody()];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    ...section(1, vector([[0x60, ...vector(Array.from({ length: 8 }, () => [I32])), 0x00]])), // type: (i32 × 8) → ()
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])), // import memory, min 1 page
    ...section(3, vector([[0x00]])), // function 0 has type 0
    ...section(7, vector([[...name('multiplyBlock'), 0x00, 0x00]])), // export it
    ...section(10, vector([[...unsignedLeb(body.length), ...body]])),
  ]);
}

export type WasmMultiplyBlock = (
  a: number, aRowBytes: number, kc: number, rowPanels: number, b: number, width: number, c: number, ldcBytes: number,
) => void;

/** What the reference needs of a linear memory: its bytes and growing them (pages of 64 KiB). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The slice of the WebAssembly JS API used here (the IR's TypeScript lib has neither DOM nor Node typings). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The compiled kernel over a fresh memory, or undefined where WebAssembly or its SIMD proposal is unavailable. */
export function instantiateGemm(): { memory: WasmMemory; multiplyBlock: WasmMultiplyBlock } | undefined {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!wasm) return undefined;
  const bytes = gemmModuleBytes();
  if (!wasm.validate(bytes)) return undefined;
  const memory = new wasm.Memory({ initial: 1 });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  return { memory, multiplyBlock: instance.exports.multiplyBlock as WasmMultiplyBlock };
}
