#!/usr/bin/env bash
# build-native.sh: builds the native block-sparse kernels of the `tensorflow`
# backend (src/kernels/tensorflow/native/) as an N-API addon with node-gyp,
# against the libtensorflow that @tensorflow/tfjs-node (or -node-gpu) loads.
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
[[ -f "$TF_LIB_DIR/libtensorflow_framework.so.2" ]] \
  || die "$TF_LIB_DIR has no libtensorflow_framework.so.2; run scripts/setup-tfjs-node.sh"
TF_INCLUDE_DIR="$(cd "$MOD/deps/include" && pwd -P)"
for header in tensorflow/c/kernels.h tensorflow/c/ops.h; do
  [[ -f "$TF_INCLUDE_DIR/$header" ]] || die "$TF_INCLUDE_DIR lacks $header (TensorFlow's C kernel API); \
scripts/setup-tfjs-node.sh stages it from the PyPI tensorflow-cpu wheel"
done

# What the build depends on; a different value means rebuild. The library
# counts by size and time (hashing its 65 MB would cost a second), not by
# `ls -l`, whose link count changes whenever another checkout hard-links the
# same cached file.
fingerprint() {
  {
    cat "$NATIVE_DIR"/*.cc "$NATIVE_DIR"/*.h "$NATIVE_DIR"/binding.gyp
    node --version
    stat -L -c '%s %Y' "$TF_LIB_DIR/libtensorflow_framework.so.2"
  } | sha256sum | cut -d' ' -f1
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

for tool in g++ make python3; do
  command -v "$tool" >/dev/null 2>&1 \
    || die "'$tool' is not installed; a C++ toolchain is needed: apt-get install g++ make python3"
done

source "$(dirname "${BASH_SOURCE[0]}")/lib/node-gyp-env.sh"
[[ -n "${npm_config_node_gyp:-}" ]] || die "npm's node-gyp was not found (npm root -g)/npm/node_modules/node-gyp"
log "building with node-gyp against $TF_LIB_DIR"
(cd "$NATIVE_DIR" && JOBS=max node "$npm_config_node_gyp" rebuild --loglevel=warn -- \
  -Dtf_lib_dir="$TF_LIB_DIR" -Dtf_include_dir="$TF_INCLUDE_DIR" >&2)
[[ -f "$ADDON" ]] || die "node-gyp finished but $ADDON is missing"
rm -rf "$NATIVE_DIR/build/Release/obj.target" "$NATIVE_DIR/build/Release/.deps"

# Loading it registers the ops with the TensorFlow runtime tfjs-node loaded.
TF_CPP_MIN_LOG_LEVEL=2 node -e '
require(process.argv[1]);
const addon = require(require("path").resolve(process.argv[2]));
console.error(`[build-native] OK: ops ${addon.matMulOp}, ${addon.sampledMatMulOp}, ` +
  `${addon.lstmStepOp}, ${addon.lstmStepBackwardOp}, ${addon.sddOp}, ${addon.softmaxOp}, ` +
  `${addon.softmaxBackwardOp}, ${addon.dsdOp}, ${addon.attentionOp}, ${addon.attentionBackwardOp}; ` +
  `${addon.instructionSet}, ${addon.numThreads} threads`);
' "$PACKAGE" "$ADDON"
echo "$WANT" > "$STAMP"
