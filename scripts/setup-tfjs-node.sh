#!/usr/bin/env bash
# setup-tfjs-node.sh — install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu)
# on a machine that can reach the npm registry, PyPI and Debian apt, but NOT
# storage.googleapis.com (where the package's own install script downloads
# libtensorflow and a prebuilt addon).
#
# How: libtensorflow's C API is also exported by the shared libraries inside
# the PyPI TensorFlow wheels (libtensorflow_cc.so.2 +
# libtensorflow_framework.so.2, headers under tensorflow/include):
# `tensorflow-cpu` for tfjs-node, `tensorflow` (built with CUDA) for
# tfjs-node-gpu. We
#   1. `pip download --no-deps` that wheel into a cache dir,
#   2. extract just the two libraries and the C API headers,
#   3. `npm install --no-save --ignore-scripts <package>` (so its
#      downloading install script never runs and package.json is untouched),
#   4. stage the libs/headers in node_modules/<package>/deps/ (the
#      layout its binding.gyp expects) and build the N-API addon with
#      node-pre-gyp/node-gyp against them (the addon's RUNPATH is
#      $ORIGIN/../../deps/lib, so no LD_LIBRARY_PATH is needed),
#   5. smoke-test it from the project root.
#
# Usage (from the root of a project whose other npm deps are installed):
#   bash scripts/setup-tfjs-node.sh                                          # tfjs-node
#   TFJS_NODE_PACKAGE=@tensorflow/tfjs-node-gpu bash scripts/setup-tfjs-node.sh  # tfjs-node-gpu
#   bash scripts/setup-tfjs-node.sh --check   # only report: exit 0 when in place, 1 when not
# Idempotent: every step is skipped when its result is already in place, the
# wheel, the extracted libs and the built addon are cached under $TF_CACHE_DIR
# (per wheel and per package), so a re-run after `npm install`/`npm ci` wiped
# node_modules takes seconds.
#
# The GPU wheel's libraries need no CUDA at load time (no extra PyPI
# packages): they link only glibc and libstdc++, and TensorFlow dlopens the
# CUDA 12 / cuDNN 9 libraries when it looks for a GPU. Without them (or
# without a GPU) it runs on the CPU and logs, on stderr, at load:
#   I... cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
#   E... cuda_platform.cc:52] failed call to cuInit: ... UNKNOWN ERROR (303)
# TF_CPP_MIN_LOG_LEVEL=3 drops the second; the first (and absl's "All log
# messages before absl::InitializeLog()" banner) is printed before logging is
# configured, and goes away only when libcudart.so.12 can be loaded.
# To use a GPU, make the CUDA libraries findable: a system CUDA 12 + cuDNN 9,
# LD_LIBRARY_PATH, or the PyPI nvidia-* packages of `tensorflow[and-cuda]`
# unpacked into node_modules/@tensorflow/tfjs-node-gpu/deps/nvidia/<name>/lib
# (libtensorflow_framework.so.2's RUNPATH has $ORIGIN/../nvidia/<name>/lib).
#
# Old wheels (TensorFlow 2.9.x, the libtensorflow tfjs-node 4.22 downloads for
# its users) have no libtensorflow_cc.so.2: there the C API (TF_* / TFE_*) is
# exported by the Python extension tensorflow/python/_pywrap_tensorflow_internal.so
# (SONAME _pywrap_tensorflow_internal.so, NEEDED libtensorflow_framework.so.2,
# the kernels and the eager runtime are in it as they are in libtensorflow.so.2).
# Step 2 takes that library when the wheel lacks libtensorflow_cc.so.2, and:
#   - It leaves ~190 Python C-API symbols (Py*, _Py*) undefined, to be bound to
#     the interpreter's. Python is never started here, so none of them is ever
#     called or read, but the data ones (PyExc_TypeError, _Py_NoneStruct, the
#     Py*_Type objects) are relocated when the library is loaded, and dlopen
#     fails on them. So step 2 generates libtfjs_pystub.so from the wheel's own
#     undefined-symbol list: each data symbol is a zeroed 512-byte object, each
#     function aborts the process with its name (nothing calls them: a call
#     would mean Python was expected). No libpython and no LD_PRELOAD.
#   - deps/lib/libtensorflow.so (what `-ltensorflow` finds) is then a GNU ld
#     linker script, INPUT(_pywrap_tensorflow_internal.so libtfjs_pystub.so),
#     so the binding gets both as DT_NEEDED (found through its RUNPATH like the
#     rest) and the stub is in the load scope when the extension is relocated.
#     The TensorFlow binaries stay byte-identical to the wheel's (no patchelf).
# See scripts/setup-tfjs-node-2.9.sh, which stages that next to the default.
#
# Environment knobs (all optional):
#   TFJS_NODE_PACKAGE  @tensorflow/tfjs-node (default) or @tensorflow/tfjs-node-gpu
#                      (the same variable scripts/build-native.sh reads)
#   TFJS_NODE_VERSION  version of that package            (default 4.22.0)
#   TF_WHEEL_PACKAGE   PyPI wheel providing libtensorflow (default tensorflow-cpu
#                      for tfjs-node, tensorflow for tfjs-node-gpu)
#   TF_WHEEL_VERSION   its version                        (default 2.21.0)
#   TF_CACHE_DIR       cache dir, relative to project root (default .cache/tf-wheel)
#   TF_WHEEL_PYVER     python tag of the wheel to fetch   (default 3.11, or 3.10
#                      for TensorFlow < 2.12, which has no 3.11 wheels; only
#                      selects a wheel file, the local Python is not used to run it)
#   TFJS_NODE_PREFIX   where to stage the package: <prefix>/node_modules/<package>
#                      (default: the project root, i.e. the package npm installed,
#                      in place). Any other prefix, which must lie inside the
#                      project (e.g. .cache/tfjs-node-2.9.1), gets a copy of the
#                      installed package's files with deps/ and binding of its
#                      own; Node resolves that copy's dependencies
#                      (@tensorflow/tfjs-core, ...) upward to the project's
#                      node_modules, so the project keeps ONE tfjs-core. Load it
#                      with TFJS_NODE_PACKAGE_DIR=<abs prefix>/node_modules/<package>
#                      (scripts/lib/node_backends.ts).
set -euo pipefail

log() { printf '[setup-tfjs-node] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CHECK=0
case "${1:-}" in
  --check) CHECK=1 ;;
  '') ;;
  *) die "unknown argument '$1' (expected --check or nothing)" ;;
esac

TFJS_NODE_PACKAGE="${TFJS_NODE_PACKAGE:-@tensorflow/tfjs-node}"
case "$TFJS_NODE_PACKAGE" in
  @tensorflow/tfjs-node)     default_wheel=tensorflow-cpu ;;
  @tensorflow/tfjs-node-gpu) default_wheel=tensorflow ;;
  *) die "TFJS_NODE_PACKAGE=$TFJS_NODE_PACKAGE: expected @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu" ;;
esac
TF_WHEEL_PACKAGE="${TF_WHEEL_PACKAGE:-$default_wheel}"
TF_WHEEL_VERSION="${TF_WHEEL_VERSION:-2.21.0}"
TFJS_NODE_VERSION="${TFJS_NODE_VERSION:-4.22.0}"
TF_CACHE_DIR="${TF_CACHE_DIR:-.cache/tf-wheel}"
# TensorFlow 2.12 was the first with Python 3.11 wheels.
[[ "$TF_WHEEL_VERSION" =~ ^2\.([0-9]|1[01])(\.|$) ]] && default_pyver=3.10 || default_pyver=3.11
TF_WHEEL_PYVER="${TF_WHEEL_PYVER:-$default_pyver}"
PKG_BASE="${TFJS_NODE_PACKAGE#@tensorflow/}"   # tfjs-node | tfjs-node-gpu
# wheel file names spell the project name with underscores (PEP 427)
WHEEL_STEM="${TF_WHEEL_PACKAGE,,}"; WHEEL_STEM="${WHEEL_STEM//[-.]/_}"

# seconds since start of script, for the timing lines
T0=$SECONDS
elapsed() { echo "$((SECONDS - T0))s"; }

PROJECT_DIR="$(pwd -P)"
[[ -f "$PROJECT_DIR/package.json" ]] || die "run this from a project root (no package.json in $PROJECT_DIR)"
# The package npm installed, and the one staged (the same unless TFJS_NODE_PREFIX
# names another directory, which then gets a copy of the first).
INSTALLED_MOD="$PROJECT_DIR/node_modules/$TFJS_NODE_PACKAGE"
PREFIX_DIR="$(realpath -m "${TFJS_NODE_PREFIX:-.}")"
[[ "$PREFIX_DIR" == "$PROJECT_DIR" || "$PREFIX_DIR" == "$PROJECT_DIR"/* ]] \
  || die "TFJS_NODE_PREFIX=$TFJS_NODE_PREFIX: expected a directory inside the project $PROJECT_DIR (so that the staged package resolves the project's @tensorflow/tfjs-core), but got $PREFIX_DIR"
[[ "$PREFIX_DIR" == "$PROJECT_DIR"/node_modules || "$PREFIX_DIR" == "$PROJECT_DIR"/node_modules/* ]] \
  && die "TFJS_NODE_PREFIX=$TFJS_NODE_PREFIX: expected a directory outside node_modules (npm would prune it), but got $PREFIX_DIR"
MOD="$PREFIX_DIR/node_modules/$TFJS_NODE_PACKAGE"
package_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
installed_version() { package_version "$MOD"; }

# The three results of a full run, checked without root, network or writes
# (scripts/provision.sh asks this on every `npm test`).
if ((CHECK)); then
  not_ready() { log "not set up: $*"; exit 1; }
  [[ "$(installed_version)" == "$TFJS_NODE_VERSION" ]] || not_ready "$TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION is not installed"
  [[ "$(cat "$MOD/deps/.tf-wheel-stamp" 2>/dev/null)" == "$TF_WHEEL_PACKAGE $TF_WHEEL_VERSION "* ]] \
    || not_ready "$MOD/deps holds no libtensorflow from $TF_WHEEL_PACKAGE $TF_WHEEL_VERSION"
  compgen -G "$MOD/lib/napi-v*/tfjs_binding.node" >/dev/null || not_ready "$TFJS_NODE_PACKAGE's binding is not built"
  log "ready: $TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION on libtensorflow from $TF_WHEEL_PACKAGE $TF_WHEEL_VERSION"
  exit 0
fi
[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || die "only linux x86_64 is supported ($TF_WHEEL_PACKAGE manylinux wheel)"
log "$TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION against libtensorflow from PyPI $TF_WHEEL_PACKAGE==$TF_WHEEL_VERSION"

mkdir -p "$TF_CACHE_DIR"
CACHE="$(cd "$TF_CACHE_DIR" && pwd -P)"
# Keep the cache out of git without needing an entry in the project's .gitignore.
[[ -f "$CACHE/.gitignore" ]] || echo '*' > "$CACHE/.gitignore"
[[ "$CACHE" == "$PROJECT_DIR"/.cache/* && ! -f "$PROJECT_DIR/.cache/.gitignore" ]] \
  && echo '*' > "$PROJECT_DIR/.cache/.gitignore"

# --------------------------------------------------------------------------
# 0. System tools: a C++ toolchain + make (node-gyp), python3 (node-gyp, pip),
#    binutils' nm (symbol check). Installed from apt only when missing.
# --------------------------------------------------------------------------
need_apt=()
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v nm >/dev/null 2>&1 || need_apt+=(binutils)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then
  need_apt+=(python3-pip)
fi
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"

# node-gyp must find the local Node headers and npm's node-gyp (no nodejs.org).
source "$(dirname "${BASH_SOURCE[0]}")/lib/node-gyp-env.sh"

# --------------------------------------------------------------------------
# 1. Download the wheel (no deps: we only want its .so files; for the GPU
#    wheel that also leaves out the optional nvidia-* CUDA packages).
#    --platform/--python-version pick the wheel regardless of the local Python.
# --------------------------------------------------------------------------
find_wheel() { compgen -G "$CACHE/${WHEEL_STEM}-${TF_WHEEL_VERSION}-*.whl" | head -n1 || true; }
WHEEL="$(find_wheel)"
if [[ -z "$WHEEL" ]]; then
  log "downloading $TF_WHEEL_PACKAGE==$TF_WHEEL_VERSION wheel into $CACHE ($(elapsed))"
  python3 -m pip download --no-deps --only-binary=:all: \
    --python-version "$TF_WHEEL_PYVER" \
    --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 \
    --disable-pip-version-check -q \
    -d "$CACHE" "$TF_WHEEL_PACKAGE==$TF_WHEEL_VERSION"
  WHEEL="$(find_wheel)"
  [[ -n "$WHEEL" ]] || die "pip download did not produce a ${WHEEL_STEM}-$TF_WHEEL_VERSION wheel"
  log "downloaded $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1), $(elapsed))"
else
  log "wheel cached: $(basename "$WHEEL")"
fi

# --------------------------------------------------------------------------
# 2. Extract the two shared libraries + the C API headers (and the tstring
#    headers they include) into $CACHE/$TF_WHEEL_PACKAGE-$VER/{lib,include}.
#    The C kernel API headers (kernels.h, ops.h) come along for the
#    project's native block-sparse ops (scripts/build-native.sh).
#    The C API library is libtensorflow_cc.so.2, or in wheels that have none
#    (2.9.x) the Python extension _pywrap_tensorflow_internal.so, which then
#    gets libtfjs_pystub.so next to it (see the top of this file).
# --------------------------------------------------------------------------
TFDIR="$CACHE/$TF_WHEEL_PACKAGE-$TF_WHEEL_VERSION"
PYWRAP=_pywrap_tensorflow_internal.so
PYSTUB=libtfjs_pystub.so

# Writes $2/$PYSTUB defining every Python C-API symbol that the library $1
# leaves undefined. The dynamic symbol table marks them all NOTYPE, so the
# kind comes from the name: Python's exported data are the exception
# objects (PyExc_*), the type objects (*_Type) and the singletons
# (_Py_NoneStruct, _Py_TrueStruct, ...); everything else is a function.
build_pystub() {
  local lib="$1" dir="$2" src
  src="$(mktemp --suffix=.c)"
  nm -D --undefined-only "$lib" | awk '{print $2}' | sed 's/@.*//' | { grep -E '^_?Py' || true; } | sort -u |
    awk -v lib="$(basename "$lib")" '
    BEGIN {
      print "/* Generated by scripts/setup-tfjs-node.sh from the undefined Python C-API symbols of"
      print "   " lib ". Python is never started in tfjs-node: these only let the library load. */"
      print "#include <stdio.h>"
      print "#include <stdlib.h>"
      print "static void tfjs_pystub_called(const char *name) {"
      print "  fprintf(stderr, \"libtfjs_pystub: %s was called, but no Python interpreter is loaded in this process\\n\", name);"
      print "  abort();"
      print "}"
      print "#define DATA(n) __attribute__((aligned(64))) unsigned char n[512];"
      print "#define FUNC(n) void n(void) { tfjs_pystub_called(#n); }"
    }
    /^PyExc_|_Type$|^_Py_[A-Za-z]+Struct$/ { print "DATA(" $0 ")"; ndata++; next }
    { print "FUNC(" $0 ")"; nfunc++ }
    END { printf "/* %d data, %d functions */\n", ndata, nfunc }
  ' > "$src"
  grep -q '^FUNC(\|^DATA(' "$src" || die "$(basename "$lib") has no undefined Python symbols: nothing to stub"
  gcc -shared -fPIC -O1 -Wl,-soname,"$PYSTUB" -o "$dir/$PYSTUB" "$src" \
    || die "could not compile the Python symbol stub $src"
  log "generated $PYSTUB for $(basename "$lib"): $(sed -n 's|^/\* \(.*\) \*/$|\1|p' "$src" | tail -n1)"
  rm -f "$src"
}

if [[ ! -f "$TFDIR/.complete" || ! -f "$TFDIR/include/tensorflow/c/kernels.h" ]]; then
  log "extracting libtensorflow from $(basename "$WHEEL") ($(elapsed))"
  rm -rf "${TFDIR:?}"; mkdir -p "$TFDIR/lib" "$TFDIR/include"
  python3 - "$WHEEL" "$TFDIR" <<'PY'
import os, re, shutil, sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
FRAMEWORK = 'tensorflow/libtensorflow_framework.so.2'
# Where the C API lives: libtensorflow_cc.so.2 in recent wheels (2.21), the
# Python extension in old ones (2.9.x has no libtensorflow_cc.so.2).
C_API = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/python/_pywrap_tensorflow_internal.so']
INC = 'tensorflow/include/'
# Headers the binding includes; everything they #include "..." (transitively,
# within the wheel's include tree) is extracted too. Header paths move between
# TF releases (tensorflow/tsl -> tsl -> xla/tsl), hence the closure.
roots = ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h',
         'tensorflow/c/tf_datatype.h', 'tensorflow/c/tf_status.h',
         'tensorflow/c/tf_tensor.h', 'tensorflow/core/platform/ctstring_internal.h',
         'tensorflow/c/kernels.h', 'tensorflow/c/ops.h']
with zipfile.ZipFile(whl) as z:
    names = set(z.namelist())
    c_api = next((n for n in C_API if n in names), None)
    if c_api is None:
        sys.exit('wheel lacks ' + ' and '.join(C_API))
    libs = {c_api, FRAMEWORK}
    for n in libs - names:
        sys.exit('wheel lacks ' + n)
    for n in libs:
        dest = os.path.join(out, 'lib', os.path.basename(n))
        with z.open(n) as src, open(dest, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    todo, done = list(roots), set()
    while todo:
        h = todo.pop()
        if h in done:
            continue
        done.add(h)
        if INC + h not in names:
            if h in roots:
                sys.exit('wheel lacks header ' + h)
            continue   # a system/third-party header the C API does not need
        data = z.read(INC + h)
        dest = os.path.join(out, 'include', h)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, 'wb') as f:
            f.write(data)
        for inc in re.findall(rb'^\s*#\s*include\s+[<"]([^">]+)[">]', data, re.M):
            todo.append(inc.decode())
PY
  if [[ -f "$TFDIR/lib/libtensorflow_cc.so.2" ]]; then
    C_API_LIB="$TFDIR/lib/libtensorflow_cc.so.2"
  else
    C_API_LIB="$TFDIR/lib/$PYWRAP"
    log "this wheel has no libtensorflow_cc.so.2: its C API comes from tensorflow/python/$PYWRAP"
    build_pystub "$C_API_LIB" "$TFDIR/lib"
  fi
  # The binding calls the TF_* / TFE_* C API; make sure the libs export it.
  syms="$(nm -D --defined-only "$C_API_LIB" "$TFDIR/lib/libtensorflow_framework.so.2" | awk '{print $3}' | sed 's/@.*//')"
  for s in TF_Version TFE_NewContext TFE_NewOp TFE_Execute TFE_TensorHandleResolve TF_LoadSessionFromSavedModel; do
    grep -qx "$s" <<<"$syms" || die "$s is not exported by the wheel's libtensorflow"
  done
  # unique id of this extraction; deps/ staged from it carries a copy
  echo "$TF_WHEEL_PACKAGE $TF_WHEEL_VERSION extracted $(date -u +%FT%T.%NZ)" > "$TFDIR/.complete"
  log "extracted ($(du -sh "$TFDIR" | cut -f1), $(elapsed))"
fi

# --------------------------------------------------------------------------
# 3. npm install the package without running its (downloading) install
#    script. If package.json already lists it (devDependencies, with
#    "allowScripts": {"@tensorflow/tfjs-node": false, "@tensorflow/tfjs-node-gpu":
#    false} so that npm 11 skips the script), `npm ci` has installed it and
#    this step is skipped.
#    Otherwise it is added with --no-save. `--save-dev` is needed next to
#    --no-save: when the project declares the package as an *optional peer*,
#    a bare `npm install --no-save @tensorflow/tfjs-node` silently installs
#    nothing. package.json / package-lock.json are restored if npm touched them.
#    Note: with --no-save, the next plain `npm install` prunes it again; just
#    re-run this script (it then takes seconds, everything is cached).
#    (With a TFJS_NODE_PREFIX this installs the package the copy is made from.)
# --------------------------------------------------------------------------
if [[ "$(package_version "$INSTALLED_MOD")" != "$TFJS_NODE_VERSION" ]]; then
  log "npm install --no-save --ignore-scripts $TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION ($(elapsed))"
  backup="$(mktemp -d)"
  for f in package.json package-lock.json; do [[ -f "$f" ]] && cp -p "$f" "$backup/$f"; done
  npm install --no-save --save-dev --ignore-scripts --no-audit --no-fund \
    "$TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION"
  for f in package.json package-lock.json; do
    if [[ -f "$backup/$f" ]] && ! cmp -s "$backup/$f" "$f"; then
      log "npm modified $f; restoring it"; cp -p "$backup/$f" "$f"
    fi
  done
  rm -rf "$backup"
  [[ "$(package_version "$INSTALLED_MOD")" == "$TFJS_NODE_VERSION" ]] || die "$PKG_BASE $TFJS_NODE_VERSION did not install into $INSTALLED_MOD"
  log "installed $PKG_BASE ($(elapsed))"
fi

# --------------------------------------------------------------------------
# 3b. With a TFJS_NODE_PREFIX: copy the installed package's files (its JS,
#     binding sources, binding.gyp; not its deps/, lib/ or build dirs) to
#     <prefix>/node_modules/<package>. It has no node_modules of its own
#     (unless npm nested some in the installed one), so its require()s of
#     @tensorflow/tfjs-core etc. resolve upward to the project's.
# --------------------------------------------------------------------------
if [[ "$MOD" != "$INSTALLED_MOD" && "$(installed_version)" != "$TFJS_NODE_VERSION" ]]; then
  log "copying $TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION to $MOD ($(elapsed))"
  rm -rf "${MOD:?}" "${MOD:?}.partial"; mkdir -p "$MOD.partial"
  tar -C "$INSTALLED_MOD" --exclude=./deps --exclude=./lib --exclude='./build' --exclude='./build-tmp-*' -cf - . \
    | tar -C "$MOD.partial" -xf -
  mv "$MOD.partial" "$MOD"
  [[ "$(installed_version)" == "$TFJS_NODE_VERSION" ]] || die "copying $INSTALLED_MOD to $MOD failed"
  [[ -f "$PREFIX_DIR/README" ]] || printf '%s\n' \
    "Written by scripts/setup-tfjs-node.sh (TFJS_NODE_PREFIX): a copy of $TFJS_NODE_PACKAGE@$TFJS_NODE_VERSION" \
    "on libtensorflow from PyPI $TF_WHEEL_PACKAGE==$TF_WHEEL_VERSION. Load it with" \
    "TFJS_NODE_PACKAGE_DIR=$MOD" \
    "Safe to delete: the script makes it again." > "$PREFIX_DIR/README"
fi

# --------------------------------------------------------------------------
# 4a. Stage deps/{lib,include} as binding.gyp expects (-ltensorflow
#     -ltensorflow_framework). The libs' SONAMEs are libtensorflow_cc.so.2 and
#     libtensorflow_framework.so.2, which is what the addon will look up at
#     run time through its RUNPATH $ORIGIN/../../deps/lib.
#     libtensorflow.so.2.9.1 is the file the package's own scripts/install.js
#     (the same in tfjs-node and tfjs-node-gpu) checks for: if that script
#     ever runs here (npm 11 skips it unless allowScripts approves it), it
#     then skips the libtensorflow download.
#     A wheel without libtensorflow_cc.so.2 (2.9.x): _pywrap_tensorflow_internal.so
#     (its SONAME) and libtfjs_pystub.so instead, and libtensorflow.so is the
#     linker script naming both (see the top of this file).
# --------------------------------------------------------------------------
DEPS="$MOD/deps"
STAMP="$DEPS/.tf-wheel-stamp"
if [[ -f "$TFDIR/lib/libtensorflow_cc.so.2" ]]; then C_API_NAME=libtensorflow_cc.so.2; else C_API_NAME="$PYWRAP"; fi
if ! cmp -s "$TFDIR/.complete" "$STAMP"; then
  log "staging libtensorflow $TF_WHEEL_VERSION ($TF_WHEEL_PACKAGE) into $DEPS"
  rm -rf "${DEPS:?}"; mkdir -p "$DEPS/lib"
  libs=("$C_API_NAME" libtensorflow_framework.so.2)
  [[ "$C_API_NAME" == "$PYWRAP" ]] && libs+=("$PYSTUB")
  for f in "${libs[@]}"; do
    # hard link when on the same filesystem (saves 0.85 GB, 1.26 GB for the
    # GPU wheel), else copy
    ln -f "$TFDIR/lib/$f" "$DEPS/lib/$f" 2>/dev/null || cp -f "$TFDIR/lib/$f" "$DEPS/lib/$f"
  done
  if [[ "$C_API_NAME" == "$PYWRAP" ]]; then
    printf '%s\n' "/* GNU ld linker script written by scripts/setup-tfjs-node.sh: -ltensorflow links" \
      "   TensorFlow's C API from the wheel's Python extension plus the stub of the Python" \
      "   symbols that extension expects from an interpreter. */" \
      "INPUT($PYWRAP $PYSTUB)" > "$DEPS/lib/libtensorflow.so"
  else
    ln -sf "$C_API_NAME" "$DEPS/lib/libtensorflow.so"
  fi
  ln -sf libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so"
  ln -sf "$C_API_NAME" "$DEPS/lib/libtensorflow.so.2.9.1"
  ln -sf libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so.2.9.1"
  cp -a "$TFDIR/include" "$DEPS/include"
  cp "$TFDIR/.complete" "$STAMP"
  # a binding built against other libs must be rebuilt
  rm -rf "${MOD:?}/build" "${MOD:?}/lib" "${MOD:?}"/build-tmp-napi-v*
fi

# --------------------------------------------------------------------------
# 4b. Build the addon (N-API, so it is ABI-stable across Node versions) or
#     reuse a cached build of the same package + wheel + napi version.
# --------------------------------------------------------------------------
PREGYP_DIR="$(cd "$MOD" && node -p "require('path').dirname(require.resolve('@mapbox/node-pre-gyp/package.json'))")"
BINDING="$(cd "$MOD" && node -p "require('@mapbox/node-pre-gyp').find(require('path').resolve('package.json'))")"
NAPI_DIR="$(basename "$(dirname "$BINDING")")"   # e.g. napi-v8
CACHED_BINDING="$CACHE/tfjs_binding-$PKG_BASE-$TFJS_NODE_VERSION-$TF_WHEEL_PACKAGE-$TF_WHEEL_VERSION-$NAPI_DIR-$(uname -m).node"
if [[ ! -f "$BINDING" ]]; then
  if [[ -f "$CACHED_BINDING" ]]; then
    log "reusing cached addon $(basename "$CACHED_BINDING")"
    mkdir -p "$(dirname "$BINDING")"; cp -f "$CACHED_BINDING" "$BINDING"
  else
    log "building tfjs_binding.node with node-gyp (nodedir=$npm_config_nodedir) ($(elapsed))"
    (cd "$MOD" && JOBS=max node "$PREGYP_DIR/bin/node-pre-gyp" rebuild --build-latest-napi-version-only --loglevel=warn)
    [[ -f "$BINDING" ]] || die "build finished but $BINDING is missing"
    if [[ "$C_API_NAME" == "$PYWRAP" ]]; then
      # A linker that defaults to --as-needed (Ubuntu's) would drop the stub,
      # whose symbols the binding does not use itself.
      needed="$(readelf -d "$BINDING" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
      for f in "$PYWRAP" "$PYSTUB" libtensorflow_framework.so.2; do
        grep -qx "$f" <<<"$needed" \
          || die "$BINDING does not have $f as NEEDED (has: $(echo $needed)); was it linked with --as-needed?"
      done
    fi
    cp -f "$BINDING" "$CACHED_BINDING"
    # object files are not needed at run time (node-pre-gyp builds in build-tmp-napi-vN)
    rm -rf "$MOD"/build*/Release/obj.target
    log "built addon ($(elapsed))"
  fi
fi

# --------------------------------------------------------------------------
# 5. Verify from the project root: the backend is 'tensorflow', it runs a
#    matMul and a gather, and the project's tfjs-core is the same instance
#    the package registered its backend with (else plugin kernels registered
#    on the project's tfjs-core would be invisible to it).
#    With a TFJS_NODE_PREFIX the copy is required by its path. The
#    libtensorflow_framework.so.2 mapped must be the staged package's.
# --------------------------------------------------------------------------
log "verifying ($(elapsed))"
[[ "$MOD" == "$INSTALLED_MOD" ]] && REQUIRE="$TFJS_NODE_PACKAGE" || REQUIRE="$MOD"
TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}" node -e '
const pkg = process.argv[1];
const tf = require(pkg);
const assert = require("assert");
assert.strictEqual(tf.getBackend(), "tensorflow", "backend is " + tf.getBackend());
const a = tf.tensor2d([[1, 2], [3, 4]]);
assert.deepStrictEqual(Array.from(tf.matMul(a, a).dataSync()), [7, 10, 15, 22]);
const g = tf.gather(tf.tensor1d([10, 20, 30]), tf.tensor1d([2, 0], "int32"));
assert.deepStrictEqual(Array.from(g.dataSync()), [30, 10]);
let core;
try { core = require("@tensorflow/tfjs-core"); } catch (e) { /* project has no direct tfjs-core */ }
if (core) assert.strictEqual(core.getBackend(), "tensorflow",
  "the project resolves a different @tensorflow/tfjs-core instance than " + pkg + " (version mismatch?)");
const fw = [...new Set(require("fs").readFileSync("/proc/self/maps", "utf8").split("\n")
  .map(l => l.split(/ +/)[5]).filter(f => f && f.endsWith("/libtensorflow_framework.so.2")))];
assert.deepStrictEqual(fw, [process.argv[2] + "/deps/lib/libtensorflow_framework.so.2"],
  "libtensorflow_framework.so.2 mapped from elsewhere than " + process.argv[2]);
console.log("[setup-tfjs-node] OK: " + pkg + " " + tf.version["tfjs-node"] +
  ", libtensorflow " + tf.backend().binding.TF_Version + ", backend " + tf.getBackend());
' "$REQUIRE" "$MOD"
log "done ($(elapsed))"
