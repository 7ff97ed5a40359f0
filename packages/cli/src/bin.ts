#!/usr/bin/env node
import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a WebGPU device (Dawn) or onnxruntime's thread pool kept for reuse must not hold the process open.
    process.exit(code);
  },
  (error: unknown) => {
    // Only bugs in excite reach here: user mistakes are diagnostics.
    process.stderr.write(`excite: internal error (please report it)\n${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);
