#!/usr/bin/env bash
# provision.sh: sets up what the tests need beyond `npm ci`, and only what is
# missing. When everything is in place it checks a few files and returns in
# well under a second, so `npm test` runs it every time. Setting up installs
# Debian packages for some parts, which needs root and apt-get; without them
# it changes nothing and says what to run.
#
# Usage (from anywhere in the checkout):
#   bash scripts/provision.sh [part...]
# Parts, set up in this order:
#   webgpu         Mesa's lavapipe, for WebGPU in Node (scripts/setup-webgpu.sh)
#   tfjs-node      @tensorflow/tfjs-node's binding (scripts/setup-tfjs-node.sh)
#   tfjs-node-gpu  the same for @tensorflow/tfjs-node-gpu
#   native         the tensorflow backend's native kernels (scripts/build-native.sh)
#   chromium       Debian's chromium, for the browser and packaging tests
# Without parts: what `npm test` needs (all but chromium).
#
# Environment (optional): CHROMIUM_PATH (default /usr/bin/chromium), as the
# browser tests read it.
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PARTS=(webgpu tfjs-node tfjs-node-gpu native chromium)
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
export DEBIAN_FRONTEND=noninteractive

requested=("$@")
((${#requested[@]})) || requested=(webgpu tfjs-node tfjs-node-gpu native)
for part in "${requested[@]}"; do
  [[ " ${PARTS[*]} " == *" $part "* ]] || die "unknown part '$part' (expected some of: ${PARTS[*]})"
done

# Exit status 0 when the part is ready; the reason it is not goes to stderr.
check() {
  case "$1" in
    webgpu) bash scripts/setup-webgpu.sh --check >/dev/null ;;
    tfjs-node) bash scripts/setup-tfjs-node.sh --check ;;
    tfjs-node-gpu) TFJS_NODE_PACKAGE=@tensorflow/tfjs-node-gpu bash scripts/setup-tfjs-node.sh --check ;;
    native) bash scripts/build-native.sh --check ;;
    chromium) [[ -x "$CHROMIUM" ]] || { log "not set up: no chromium at $CHROMIUM"; return 1; } ;;
  esac
}

# The command that sets a part up, exactly as it is run and as the message
# for users who must run it themselves shows it.
setup_command() {
  case "$1" in
    webgpu) echo 'bash scripts/setup-webgpu.sh' ;;
    tfjs-node) echo 'bash scripts/setup-tfjs-node.sh' ;;
    tfjs-node-gpu) echo 'TFJS_NODE_PACKAGE=@tensorflow/tfjs-node-gpu bash scripts/setup-tfjs-node.sh' ;;
    native) echo 'bash scripts/build-native.sh' ;;
    chromium) echo 'apt-get update -qq && apt-get install -y -qq chromium' ;;
  esac
}

lacks_a_tool() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || return 0; done
  return 1
}

# Whether setting the part up installs Debian packages: always for the
# driver and the browser; for the builds only when the toolchain is missing
# (the scripts then apt-get it).
needs_apt() {
  case "$1" in
    webgpu|chromium) return 0 ;;
    tfjs-node|tfjs-node-gpu) lacks_a_tool g++ make python3 nm || ! python3 -m pip --version >/dev/null 2>&1 ;;
    native) lacks_a_tool g++ make python3 ;;
  esac
}

now_ms() { date +%s%3N; }
START_MS="$(now_ms)"

missing=()
for part in "${requested[@]}"; do
  check "$part" 2>/dev/null || missing+=("$part")
done
if ((${#missing[@]} == 0)); then
  log "ready: ${requested[*]} ($(($(now_ms) - START_MS)) ms)"
  exit 0
fi

log "not set up yet: ${missing[*]}"
for part in "${missing[@]}"; do check "$part" || true; done

blocked=()
for part in "${missing[@]}"; do
  if needs_apt "$part" && { [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; }; then
    blocked+=("$part")
  fi
done
if ((${#blocked[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    why="there is no apt-get here (the setup scripts support Debian bookworm)"
    how="On Debian, as root, run from $(pwd):"
  else
    why="that installs Debian packages, which needs root (running as $(id -un), uid $(id -u))"
    how="Run once, as root (e.g. with sudo), from $(pwd):"
  fi
  {
    echo
    echo "[provision] Cannot set up ${blocked[*]}: $why."
    echo "[provision] $how"
    echo "[provision]     bash scripts/provision.sh ${missing[*]}"
    echo "[provision] (one by one:"
    for part in "${missing[@]}"; do echo "[provision]     $(setup_command "$part")"; done
    echo "[provision] ) then run the tests again."
    echo
  } >&2
  exit 1
fi

for part in "${missing[@]}"; do
  command="$(setup_command "$part")"
  log "setting up $part: $command"
  # stdout to stderr: setup-webgpu.sh prints VK_ICD_FILENAMES, which the tests find themselves.
  eval "$command" >&2 || die "setting up $part failed: $command"
done
for part in "${requested[@]}"; do
  check "$part" || die "$part is still not ready after: $(setup_command "$part")"
done
log "ready: ${requested[*]} (set up in $((($(now_ms) - START_MS) / 1000)) s)"
