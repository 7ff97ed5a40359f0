import onnxProto from 'onnx-proto';
import { readFileSync } from 'node:fs';
const m = onnxProto.onnx.ModelProto.decode(readFileSync(process.argv[2]));
const nodes = m.graph.node;
const start = Number(process.argv[3] ?? 0), count = Number(process.argv[4] ?? 30);
for (const n of nodes.slice(start, start + count)) {
  const attrs = (n.attribute||[]).filter(a=>['activation','mode'].includes(a.name)).map(a=>a.name+'='+(a.s?Buffer.from(a.s).toString():a.i)).join(' ');
  console.log(`${n.domain||'ai.onnx'}:${n.opType} [${n.input.map(s=>s.slice(-28)).join(', ')}] -> [${n.output.map(s=>s.slice(-28)).join(', ')}] ${attrs}`);
}
