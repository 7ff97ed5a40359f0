#!/usr/bin/env bash
# Installs what excite needs on a fresh Debian 12 machine with Node 20 and npm: the Debian packages the tests and
# `excite verify` use (when run as root with apt), pnpm at the pinned version, and the workspace's packages.
# Sourced by .ci/run and tools/main-job.sh, so the README's two commands install the same things.
set -euo pipefail
PNPM_VERSION=12.4.2

setup_say() { echo "setup: $*" >&2; }

# python3-torch: the independent reference for the interpreter's kernels; python3-onnx: onnx.checker;
# chromium (+ libvulkan1): SwiftShader's Vulkan driver for Dawn (WebGPU in Node) and headless browser tests;
# dataset-fashion-mnist: real training data for the tfjs training test and apps/train.
DEBIAN_PACKAGES=(python3-torch python3-onnx chromium libvulkan1 dataset-fashion-mnist)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    setup_say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    setup_say "not root: cannot install ${missing[*]} (the tests that need them will fail)"
  fi
fi

if [[ $(pnpm --version 2>/dev/null || true) != "$PNPM_VERSION" ]]; then
  setup_say "installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi
if [[ -f pnpm-lock.yaml ]]; then
  pnpm install --frozen-lockfile
else
  setup_say "no pnpm-lock.yaml; resolving dependencies afresh"
  pnpm install
fi
