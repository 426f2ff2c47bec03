#!/usr/bin/env bash
# build-native.sh: builds the native block-sparse kernels of the `tensorflow`
# backend (src/kernels/tensorflow/native/) as an N-API addon with node-gyp,
# against the libtensorflow that @tensorflow/tfjs-node (or -node-gpu) loads.
# It needs no TensorFlow headers (native/tf_c_api.h declares the C API), so
# it also builds against the libtensorflow 2.9.1 tfjs-node downloads: the
# build-from-source path where the npm package has no prebuilt addon
# (scripts/build-prebuilt.sh makes the linux-x64 one).
#
# The checkout's wrapper of `npx tfjs-blocksparse build-native`: it adds the
# cache below and the toolchain checks.
#
# Usage (from the project root, after `npm ci` and with tfjs-node's binding
# in place, e.g. by scripts/setup-tfjs-node.sh):
#   bash scripts/build-native.sh [--force|--check]
#   --check: only report: exit 0 when the addon is built and up to date, 1 when not
# Output: src/kernels/tensorflow/native/build/Release/tfjs_blocksparse_native.node,
# which the tensorflow kernels load on first use.
#
# Cached: nothing is rebuilt while the sources, the libtensorflow it links
# and the Node version are unchanged (a stamp next to the addon records them),
# so a second run takes about a second.
#
# Environment (optional):
#   TFJS_NODE_PACKAGE  @tensorflow/tfjs-node (default) or @tensorflow/tfjs-node-gpu
set -euo pipefail

log() { printf '[build-native] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/setup_flags.sh"
parse_setup_flags build-native "$@"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
NATIVE_DIR=src/kernels/tensorflow/native
ADDON="$NATIVE_DIR/build/Release/tfjs_blocksparse_native.node"
STAMP="$NATIVE_DIR/build/Release/.build-stamp"
PACKAGE="${TFJS_NODE_PACKAGE:-@tensorflow/tfjs-node}"

MOD="node_modules/$PACKAGE"
[[ -f "$MOD/package.json" ]] || die "$PACKAGE is not installed; run npm ci (and scripts/setup-tfjs-node.sh)"
TF_LIB_DIR="$(cd "$MOD/deps/lib" 2>/dev/null && pwd -P)" \
  || die "$MOD/deps/lib is missing: $PACKAGE has no libtensorflow yet; run scripts/setup-tfjs-node.sh"
TF_FRAMEWORK=""
for name in libtensorflow_framework.so.2 libtensorflow_framework.2.dylib; do
  [[ -f "$TF_LIB_DIR/$name" ]] && { TF_FRAMEWORK="$TF_LIB_DIR/$name"; break; }
done
[[ -n "$TF_FRAMEWORK" ]] \
  || die "$TF_LIB_DIR has no libtensorflow_framework.so.2; run scripts/setup-tfjs-node.sh"

# What the build depends on; a different value means rebuild. The library
# counts by size and time (hashing its 65 MB would cost a second), not by
# `ls -l`, whose link count changes whenever another checkout hard-links the
# same cached file.
sha256() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }
fingerprint() {
  {
    cat "$NATIVE_DIR"/*.cc "$NATIVE_DIR"/*.h "$NATIVE_DIR"/binding.gyp
    node --version
    node -e 'const s = require("fs").statSync(process.argv[1]); console.log(s.size, s.mtimeMs)' \
      "$TF_FRAMEWORK"
  } | sha256 | cut -d' ' -f1
}
WANT="$(fingerprint)"
if [[ $FORCE == 0 && -f "$ADDON" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  log "up to date: $ADDON"
  exit 0
fi
if ((CHECK)); then
  log "not up to date: $ADDON (its sources, libtensorflow or Node changed, or it was never built)"
  exit 1
fi

# node-gyp's make build calls $CXX, else g++ (Xcode's clang on macOS).
CXX_TOOL="${CXX:-g++}"
[[ "$(uname -s)" == Darwin ]] && CXX_TOOL=c++
for tool in "$CXX_TOOL" make python3; do
  command -v "$tool" >/dev/null 2>&1 \
    || die "'$tool' is not installed; a C++ toolchain is needed: apt-get install g++ make python3"
done

source "$(dirname "${BASH_SOURCE[0]}")/lib/node-gyp-env.sh"
[[ -n "${npm_config_node_gyp:-}" ]] || die "npm's node-gyp was not found (npm root -g)/npm/node_modules/node-gyp"
# The same build an installed package's `npx tfjs-blocksparse build-native`
# runs (src/cli/build_native.ts): node-gyp, then a load of the result.
log "building with node-gyp against $TF_LIB_DIR"
node node_modules/ts-node/dist/bin.js --transpile-only src/cli/tfjs_blocksparse.ts build-native --tfjs-node "$MOD" >&2
echo "$WANT" > "$STAMP"
