#!/usr/bin/env bash
# build-prebuilt.sh: builds the linux-x64 addon that ships inside the npm
# package, prebuilds/linux-x64/tfjs_blocksparse_native.node (the path the
# TypeScript loader looks for), from src/kernels/tensorflow/native/ with Zig,
# so that it loads on the Linux systems tfjs-node users run:
#   - glibc 2.28 or later (Debian 10, Ubuntu 20.04, RHEL 8 and newer; not
#     Ubuntu 18.04's 2.27): built against Zig's glibc 2.28 symbol set;
#   - no libstdc++ requirement: libc++ and its unwinder linked statically;
#   - NEEDED libtensorflow_framework.so.2 and no RPATH/RUNPATH: it binds by
#     soname to the libtensorflow that @tensorflow/tfjs-node (or -node-gpu)
#     already loaded, 2.9.1 or later. It links against a stub library built
#     from native/tf_c_api.h, not against TensorFlow itself;
#   - Node-API version 1 (NAPI_VERSION=1), registered through the
#     napi_register_module_v1 symbol that Node reads since version 10; its
#     napi_* functions stay undefined until Node loads it.
# Other platforms build from source: scripts/build-native.sh.
#
# Usage (from anywhere; needs python3 with pip, and network access to PyPI
# the first time, for Zig):
#   bash scripts/build-prebuilt.sh [--force|--check]
#   --check: only report: exit 0 when the file is built and up to date, 1 when not
# Then scripts/check-prebuilt.sh checks what it built (this script runs it).
#
# Cached: Zig in .cache/ziglang/<version>, Zig's build cache (libc++ for the
# target) in .cache/zig, and a stamp in .cache/prebuilt/ of what the file was
# built from; nothing is rebuilt while sources, Zig and Node-API headers are
# unchanged.
#
# Environment (optional):
#   NODE_API_INCLUDE_DIR  a directory holding node_api.h (default: the Node
#                         headers on this machine, else the npm package
#                         node-api-headers, fetched into .cache)
#   ZIG                   a zig $ZIG_VERSION to use instead of fetching one
#                         (needed on hosts other than x86-64 Linux)
set -euo pipefail

ZIG_VERSION=0.14.1
# sha256 of PyPI's ziglang wheel for x86-64 Linux hosts, the one pip picks there.
ZIG_WHEEL_SHA256=6eb9d4d759b292c83810dbee2e9e8e3fbfbf01d864e6e9811bae711fd74e1c2f
NODE_API_HEADERS_VERSION=1.5.0
TARGET=x86_64-linux-gnu.2.28
NAME=tfjs_blocksparse_native.node

log() { printf '[build-prebuilt] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/setup_flags.sh"
parse_setup_flags build-prebuilt "$@"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
NATIVE_DIR=src/kernels/tensorflow/native
OUT_DIR=prebuilds/linux-x64
OUT="$OUT_DIR/$NAME"
CACHE="$ROOT/.cache"
STAMP="$CACHE/prebuilt/linux-x64.stamp"
ZIG_DIR="$CACHE/ziglang/$ZIG_VERSION"
export ZIG_GLOBAL_CACHE_DIR="$CACHE/zig" ZIG_LOCAL_CACHE_DIR="$CACHE/zig"

# Node-API headers: any Node's serve, as NAPI_VERSION pins the API used.
find_node_api_headers() {
  local d
  if [[ -n "${NODE_API_INCLUDE_DIR:-}" ]]; then
    [[ -f "$NODE_API_INCLUDE_DIR/node_api.h" ]] || die "NODE_API_INCLUDE_DIR=$NODE_API_INCLUDE_DIR has no node_api.h"
    echo "$NODE_API_INCLUDE_DIR"; return
  fi
  for d in ${npm_config_nodedir:+"$npm_config_nodedir/include/node"} \
           "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node" \
           /usr/include/node; do
    [[ -f "$d/node_api.h" && -f "$d/js_native_api.h" ]] && { echo "$d"; return; }
  done
  d="$CACHE/node-api-headers/$NODE_API_HEADERS_VERSION"
  if [[ ! -f "$d/package/include/node_api.h" ]]; then
    log "no Node headers on this machine: fetching node-api-headers@$NODE_API_HEADERS_VERSION from npm"
    command -v npm >/dev/null || die "npm is needed to fetch node-api-headers"
    rm -rf "$d" && mkdir -p "$d"
    local tgz
    tgz="$(cd "$d" && npm pack --silent "node-api-headers@$NODE_API_HEADERS_VERSION")" \
      || die "npm pack node-api-headers@$NODE_API_HEADERS_VERSION failed"
    tar -xzf "$d/$tgz" -C "$d" && rm -f "$d/$tgz"
    [[ -f "$d/package/include/node_api.h" ]] || die "node-api-headers has no include/node_api.h"
  fi
  echo "$d/package/include"
}
NODE_API_DIR="$(find_node_api_headers)"

sha256() { sha256sum | cut -d' ' -f1; }
# What the file is built from; the script itself counts for its flags.
fingerprint() {
  {
    echo "$ZIG_VERSION $ZIG_WHEEL_SHA256 $TARGET $(g++ --version 2>/dev/null | head -n1)"
    cat "${BASH_SOURCE[0]}" "$NATIVE_DIR"/*.cc "$NATIVE_DIR"/*.h
    cat "$NODE_API_DIR"/node_api.h "$NODE_API_DIR"/node_api_types.h \
        "$NODE_API_DIR"/js_native_api.h "$NODE_API_DIR"/js_native_api_types.h
  } | sha256
}
WANT="$(fingerprint)"
# The stamp also holds the output's hash: a file replaced by hand is rebuilt.
if [[ $FORCE == 0 && -f "$OUT" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT $(sha256 < "$OUT")" ]]; then
  log "up to date: $OUT"
  exit 0
fi
if ((CHECK)); then
  log "not up to date: $OUT (its sources, Zig or the Node-API headers changed, or it was never built)"
  exit 1
fi

# Zig from PyPI (the ziglang wheel carries the whole toolchain, libc++ and
# glibc stubs included), pinned by hash; pip installs into our cache only.
if [[ -n "${ZIG:-}" ]]; then
  [[ "$("$ZIG" version 2>/dev/null)" == "$ZIG_VERSION" ]] || die "ZIG=$ZIG is not zig $ZIG_VERSION"
else
  ZIG="$ZIG_DIR/ziglang/zig"
  if [[ ! -x "$ZIG" ]] || [[ "$("$ZIG" version 2>/dev/null)" != "$ZIG_VERSION" ]]; then
    [[ "$(uname -s) $(uname -m)" == "Linux x86_64" ]] \
      || die "no pinned Zig wheel for $(uname -s) $(uname -m) hosts; set ZIG to a zig $ZIG_VERSION"
    command -v python3 >/dev/null || die "python3 is needed to fetch Zig: apt-get install python3 python3-pip"
    python3 -m pip --version >/dev/null 2>&1 || die "pip is needed to fetch Zig: apt-get install python3-pip"
    log "fetching Zig $ZIG_VERSION (PyPI ziglang) into $ZIG_DIR"
    rm -rf "$ZIG_DIR" && mkdir -p "$ZIG_DIR"
    echo "ziglang==$ZIG_VERSION --hash=sha256:$ZIG_WHEEL_SHA256" > "$ZIG_DIR.requirements.txt"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
      --no-deps --only-binary=:all: --require-hashes -r "$ZIG_DIR.requirements.txt" \
      --target "$ZIG_DIR" >&2 || die "pip install ziglang==$ZIG_VERSION failed"
    [[ -x "$ZIG" ]] || die "the ziglang wheel has no $ZIG"
  fi
fi
for tool in readelf objdump gzip; do
  command -v "$tool" >/dev/null \
    || die "'$tool' is not installed (scripts/check-prebuilt.sh needs it): apt-get install binutils gzip"
done

WORK="$CACHE/prebuilt/linux-x64.work"
rm -rf "$WORK" && mkdir -p "$WORK/obj" "$WORK/stub"

# A stand-in libtensorflow_framework.so.2 that defines the functions
# tf_c_api.h declares: it gives the addon its NEEDED entry and nothing else.
FUNCTIONS="$(sed -n '/BEGIN FUNCTIONS/,/END FUNCTIONS/p' "$NATIVE_DIR/tf_c_api.h" \
  | grep -v '^ *//' | grep -oE '\bTF_[A-Za-z0-9_]+\(' | tr -d '(' | sort -u)"
[[ -n "$FUNCTIONS" ]] || die "found no functions in $NATIVE_DIR/tf_c_api.h"
for f in $FUNCTIONS; do echo "void $f(void) {}"; done > "$WORK/stub/stub.c"
"$ZIG" cc -target "$TARGET" -shared -Wl,-soname,libtensorflow_framework.so.2 \
  -o "$WORK/stub/libtensorflow_framework.so.2" "$WORK/stub/stub.c"

# Only the module's entry points and the copy marker of
# process_registration.cc are exported; everything else, libc++ included,
# stays inside.
cat > "$WORK/exports.map" <<'EOF'
{
  global: napi_register_module_v1; node_api_module_get_api_version_v1; tfjs_blocksparse_ops_v1;
  local: *;
};
EOF

# The same per-file instruction sets as binding.gyp: baseline x86-64 for
# all but the two files called after a CPUID check.
CXXFLAGS=(-target "$TARGET" -std=c++17 -O3 -fPIC -fvisibility=hidden -ffunction-sections -fdata-sections -Wall -Wno-psabi
          -DNAPI_VERSION=1 -DNODE_GYP_MODULE_NAME=tfjs_blocksparse_native
          -isystem "$NODE_API_DIR")
isa_flags() {
  case "$1" in
    block_products_avx2.cc) echo "-mavx2 -mfma" ;;
    block_products_avx512.cc) echo "-mavx2 -mfma -mavx512f -mavx512vl" ;;
  esac
}
# The AVX-512 kernels are compiled by the host's g++: clang (Zig) emits the
# same inner loops there, yet its build of this file ran the main shape's
# x . W about 15% slower (bench/paired.ts, one thread and two), while its
# AVX2 and portable builds are as fast as g++'s or faster (g++'s portable
# build is over 10x slower). The file needs nothing of g++'s runtime but
# std::__throw_length_error (libstdc++'s std::vector), which
# length_error_shim.cc provides on top of libc++; its only libc calls are
# memcpy, memmove and memset, and check-prebuilt.sh checks the result as a whole.
compile() {
  local src="$1" file
  file="$(basename "$src")"
  if [[ "$file" == block_products_avx512.cc ]]; then
    # shellcheck disable=SC2046
    g++ -std=c++17 -O3 -fPIC -fvisibility=hidden -Wall -Wno-psabi $(isa_flags "$file") \
      -c "$src" -o "$WORK/obj/${file%.cc}.o"
  else
    # shellcheck disable=SC2046
    "$ZIG" c++ "${CXXFLAGS[@]}" $(isa_flags "$file") -c "$src" -o "$WORK/obj/${file%.cc}.o"
  fi
}
command -v g++ >/dev/null || die "g++ is needed for the AVX-512 kernels: apt-get install g++"
cat > "$WORK/length_error_shim.cc" <<'EOF_SHIM'
#include <stdexcept>
namespace std {
[[noreturn]] void __throw_length_error(const char* what) { throw length_error(what); }
}  // namespace std
EOF_SHIM
log "compiling with Zig $ZIG_VERSION for $TARGET, the AVX-512 kernels with $(g++ -dumpfullversion) \
(Node-API headers: $NODE_API_DIR)"
# As many compiles at once as there are cores; a failed one leaves a mark.
for src in "$NATIVE_DIR"/*.cc "$WORK/length_error_shim.cc"; do
  { compile "$src" || touch "$WORK/failed"; } &
  while (( $(jobs -rp | wc -l) >= $(nproc) )); do wait -n || true; done
done
wait
[[ ! -e "$WORK/failed" ]] || die "compilation failed"

mkdir -p "$OUT_DIR"
"$ZIG" c++ -target "$TARGET" -shared -fPIC -s -o "$WORK/$NAME" "$WORK"/obj/*.o \
  "$WORK/stub/libtensorflow_framework.so.2" \
  -Wl,--version-script="$WORK/exports.map" -Wl,-z,nodelete -Wl,--as-needed -Wl,--gc-sections
mv -f "$WORK/$NAME" "$OUT"
rm -rf "$WORK"

bash scripts/check-prebuilt.sh "$OUT"
mkdir -p "$(dirname "$STAMP")"
echo "$WANT $(sha256 < "$OUT")" > "$STAMP"
log "built $OUT"
