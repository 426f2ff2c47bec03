#!/usr/bin/env bash
# setup-tfjs-node-2.9.sh — stage a second @tensorflow/tfjs-node 4.22.0, on
# libtensorflow 2.9.1 (what tfjs-node 4.22's own install script downloads for
# its users), next to the checkout's own one (libtensorflow 2.21, staged by
# scripts/setup-tfjs-node.sh), so that the tests can run the `tensorflow`
# backend on either:
#
#   bash scripts/setup-tfjs-node-2.9.sh
#   TFJS_BACKEND=tensorflow TFJS_NODE_PACKAGE_DIR="$PWD/.cache/tfjs-node-2.9.1/node_modules/@tensorflow/tfjs-node" \
#     mocha 'test/{conformance,layout,layers,tensorflow}/**/*.spec.ts'
#
# The libtensorflow tarball tfjs-node downloads cannot be reached here, so
# the libraries come from PyPI's tensorflow-cpu==2.9.1 wheel (cp310,
# manylinux2014): the same source tag and the same libtensorflow_framework.so.2
# build rule, but the C API (TF_* / TFE_*) from the wheel's Python extension
# _pywrap_tensorflow_internal.so instead of libtensorflow.so.2 (the 2.9
# wheels have no libtensorflow_cc.so.2); setup-tfjs-node.sh explains how that
# library is loaded without a Python interpreter.
#
# It is setup-tfjs-node.sh with these settings, staged under
# .cache/tfjs-node-2.9.1/node_modules/@tensorflow/tfjs-node: a copy of the
# package's files with its own deps/ and binding, whose dependencies
# (@tensorflow/tfjs-core, ...) resolve upward to the checkout's node_modules.
# The wheel (207 MB) and the extracted libraries share setup-tfjs-node.sh's
# cache, .cache/tf-wheel.
#
# Usage (from anywhere in the checkout):
#   bash scripts/setup-tfjs-node-2.9.sh           # set up what is missing (a second when in place)
#   bash scripts/setup-tfjs-node-2.9.sh --check   # only report: exit 0 when in place, 1 when not
#   bash scripts/setup-tfjs-node-2.9.sh --force   # stage the copy again (the cache is kept)
#   bash scripts/setup-tfjs-node-2.9.sh --print-dir   # print the package directory to load
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TFJS_NODE_PACKAGE=@tensorflow/tfjs-node
export TFJS_NODE_VERSION=4.22.0
export TF_WHEEL_PACKAGE=tensorflow-cpu
export TF_WHEEL_VERSION=2.9.1
export TF_WHEEL_PYVER=3.10   # 2.9.1 has wheels for cp37 to cp310
export TFJS_NODE_PREFIX=.cache/tfjs-node-$TF_WHEEL_VERSION
PACKAGE_DIR="$(pwd -P)/$TFJS_NODE_PREFIX/node_modules/$TFJS_NODE_PACKAGE"

case "${1:-}" in
  --check) exec bash scripts/setup-tfjs-node.sh --check ;;
  --print-dir) echo "$PACKAGE_DIR"; exit 0 ;;
  --force) rm -rf "${PACKAGE_DIR:?}"; exec bash scripts/setup-tfjs-node.sh ;;
  '')
    # Fast when in place (as scripts/provision.sh does for the default one).
    bash scripts/setup-tfjs-node.sh --check && exit 0
    exec bash scripts/setup-tfjs-node.sh ;;
  *) echo "[setup-tfjs-node-2.9] ERROR: unknown argument '$1' (expected --check, --force, --print-dir or nothing)" >&2
     exit 1 ;;
esac
