#!/usr/bin/env bash
# The README's main job: install everything, build, compile SE-ResNet-50 to all three targets and verify that
# onnxruntime, TensorFlow.js (wasm) and our WebGPU runtime (Dawn) agree with the reference interpreter.
# Usage: bash tools/main-job.sh [model] [extra excite verify flags, e.g. --input 64x64]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODEL=${1:-se-resnet-50}
shift || true
source tools/setup.sh
pnpm build
OUT=build/$MODEL
pnpm --silent excite compile "$MODEL" --target onnx,tfjs,wgsl --out "$OUT" "$@"
echo "artifacts: $(cd "$OUT" && pwd)"
pnpm --silent excite verify "$MODEL" --runs 1 "$@"
