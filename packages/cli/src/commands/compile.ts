import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createDiagnostic, DiagnosticError, nearestName } from '@excite/diagnostics';
import { compile } from '@excite/compiler';
import { materializeWeights } from '@excite/ir';
import { MAX_OPSET, MIN_OPSET, DEFAULT_OPSET, ONNX_PROFILES, isOnnxProfile } from '@excite/backend-onnx';
import { loadModelArgument, parseSeed, writeFileAtomic } from '../source.js';
import { TARGETS, type Artifact } from '../targets.js';

export interface CompileCommandOptions {
  target?: string;
  out?: string;
  input?: string;
  model?: string;
  seed?: string;
  opset?: string;
  onnxFunctions?: boolean;
  onnxProfile?: string;
  wgslMaxBinding?: string;
}

const bad = (message: string, hint?: string) => new DiagnosticError(createDiagnostic('E0503', message, undefined, hint));

function parseTargets(text: string | undefined): string[] {
  if (!text) throw bad('--target is required', `targets: ${Object.keys(TARGETS).join(', ')}`);
  const names = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const name of names) {
    if (!Object.hasOwn(TARGETS, name)) {
      const near = nearestName(name, Object.keys(TARGETS));
      throw bad(`unknown target \`${name}\``, `${near ? `did you mean \`${near}\`? ` : ''}targets: ${Object.keys(TARGETS).join(', ')}`);
    }
  }
  return [...new Set(names)];
}

function parseOpset(text: string | undefined): number {
  if (text === undefined) return DEFAULT_OPSET;
  const opset = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw bad(`--opset must be an ONNX opset from ${MIN_OPSET} to ${MAX_OPSET}, found \`${text}\``, `the default is ${DEFAULT_OPSET}`);
  }
  return opset;
}

/** `excite compile`: compiles a model for inference and writes each target's artifacts into --out (atomically). */
export async function compileCommand(target: string, options: CompileCommandOptions, version: string): Promise<string> {
  const targets = parseTargets(options.target);
  if (!options.out) throw bad('--out is required: the folder to write into');
  const opset = parseOpset(options.opset);
  const profile = options.onnxProfile ?? 'standard';
  if (!isOnnxProfile(profile)) throw bad(`unknown ONNX profile \`${profile}\``, `profiles: ${ONNX_PROFILES.join(', ')}`);
  const seed = parseSeed(options.seed);
  const maxBindingMiB = options.wgslMaxBinding === undefined ? undefined : Number(options.wgslMaxBinding);
  if (maxBindingMiB !== undefined && !(Number.isInteger(maxBindingMiB) && maxBindingMiB >= 128 && maxBindingMiB <= 65536)) {
    throw bad(`--wgsl-max-binding must be a whole number of MiB from 128 to 65536, found \`${options.wgslMaxBinding}\``);
  }
  const { graph: elaborated, sources } = loadModelArgument(target, options);
  // The weights come from the seed once, here, so every target ships the same network.
  const trainable = materializeWeights(elaborated, seed);
  const { graph, pipeline } = compile(trainable, { pipeline: 'inference', seed });
  const model = elaborated.source?.model ?? elaborated.name;
  // Every target emits in memory first: a target that fails (a model beyond WebGPU's limits) leaves nothing written.
  const emitted: { name: string; artifacts: Artifact[] }[] = [];
  for (const name of targets) {
    emitted.push({
      name,
      artifacts: await TARGETS[name]!.emit({
        graph, trainable, model, sources, pipeline, version, seed,
        onnx: { opset, functions: Boolean(options.onnxFunctions), profile },
        wgsl: maxBindingMiB === undefined ? {} : { maxBindingBytes: maxBindingMiB * 2 ** 20 },
      }),
    });
  }
  const lines: string[] = [];
  for (const { name, artifacts } of emitted) {
    for (const artifact of artifacts) {
      const path = join(options.out, artifact.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, artifact.contents);
      lines.push(`wrote ${path} (${name}, ${artifact.contents.length.toLocaleString('en-US')} bytes)`);
    }
  }
  return lines.join('\n');
}
