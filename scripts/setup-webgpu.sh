#!/usr/bin/env bash
# setup-webgpu.sh: make the tfjs WebGPU backend runnable in Node on a machine
# without a GPU (Debian bookworm, run as root, e.g. in CI).
#
# How it works: the npm package `webgpu` (Dawn for Node, installed by npm from
# package.json) needs a Vulkan driver. With no GPU the only option is Mesa's
# software driver lavapipe (libvulkan_lvp.so). Bookworm's own lavapipe
# (Mesa 22.3) is too old: Dawn reports no adapter. Mesa 25 from
# bookworm-backports works. To leave the system's Mesa untouched we:
#   1. apt-install bookworm's libvulkan1 (the Vulkan loader Dawn dlopens) and
#      bookworm's mesa-vulkan-drivers (only for the shared libraries that
#      lavapipe links against: libLLVM-15, libdrm, libxcb*, libwayland, ...);
#   2. `apt-get download` the backports mesa-vulkan-drivers .deb and extract
#      only its libvulkan_lvp.so into a project-local dir (.cache/vulkan/);
#   3. write an ICD manifest (lvp_icd.json) there that names that .so by a
#      path relative to the manifest (so the dir can move with the checkout).
# Point VK_ICD_FILENAMES at the manifest; scripts/lib/webgpu_node.ts does that
# itself when the variable is unset.
#
# Usage:  bash scripts/setup-webgpu.sh [--force|--check]
#   stdout: exactly one line, the value for VK_ICD_FILENAMES, so
#     export VK_ICD_FILENAMES="$(bash scripts/setup-webgpu.sh)"
#   works; progress messages go to stderr.
#   --force           re-download and re-extract the driver.
#   --check           only report: exit 0 when the driver is ready, 1 when
#                     not (no root needed, nothing installed or written).
#   VULKAN_CACHE_DIR  overrides the output dir (default <repo>/.cache/vulkan).
#
# Idempotent: a second run finds the packages installed and the driver
# extracted (with a stamp naming its version) and does no network access.
set -euo pipefail

log() { echo "[setup-webgpu] $*" >&2; }
die() { echo "[setup-webgpu] ERROR: $*" >&2; exit 1; }

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 0 ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup_flags.sh"
parse_setup_flags setup-webgpu "$@"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT_DIR="${VULKAN_CACHE_DIR:-$REPO_DIR/.cache/vulkan}"
ICD_JSON="$OUT_DIR/lvp_icd.json"
LVP_SO="$OUT_DIR/libvulkan_lvp.so"
STAMP="$OUT_DIR/mesa-version.txt"

# Before the root check: scripts/provision.sh asks this of non-root users too.
if [ "$CHECK" -eq 1 ]; then
  not_ready() { log "not set up: $*"; exit 1; }
  [ -s "$LVP_SO" ] && [ -s "$STAMP" ] && [ -s "$ICD_JSON" ] || not_ready "no lavapipe driver in $OUT_DIR"
  compgen -G '/usr/lib/*/libvulkan.so.1' >/dev/null || not_ready "the Vulkan loader libvulkan.so.1 is missing"
  if ldd "$LVP_SO" 2>/dev/null | grep -q 'not found'; then
    not_ready "libraries that $LVP_SO links against are missing"
  fi
  log "ready: lavapipe from mesa $(cat "$STAMP")"
  echo "$ICD_JSON"
  exit 0
fi

# Run privileged commands directly as root, else through sudo if present.
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "must run as root (or with sudo available) to apt-get install"
fi
export DEBIAN_FRONTEND=noninteractive

[ -r /etc/os-release ] || die "/etc/os-release missing: not a Debian system?"
# shellcheck disable=SC1091
CODENAME="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian only"
ARCH="$(dpkg --print-architecture)"
case "$ARCH" in
  amd64) MULTIARCH=x86_64-linux-gnu ;;
  arm64) MULTIARCH=aarch64-linux-gnu ;;
  *) die "unsupported architecture $ARCH" ;;
esac

APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -qq >&2
    APT_UPDATED=1
  fi
}

# --- 0. decide whether the driver must be (re)extracted; if so make sure the
# release it comes from is an apt source before the first apt-get update -----
NEED_EXTRACT=1
if [ "$FORCE" -eq 0 ] && [ -s "$LVP_SO" ] && [ -s "$STAMP" ]; then
  NEED_EXTRACT=0
fi
if [ "$NEED_EXTRACT" -eq 1 ]; then
  # Release to take the driver from: bookworm -> bookworm-backports; a newer
  # Debian (trixie ships Mesa 25) -> its own release.
  if [ "$CODENAME" = "bookworm" ]; then
    RELEASE=bookworm-backports
    # Add the backports source if no apt source names it yet. Backports are
    # pinned at priority 100 by Debian, so this never upgrades anything by
    # itself: packages come from it only when asked for explicitly.
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      log "adding bookworm-backports apt source"
      printf '%s\n' \
        '# Added by tfjs-blocksparse scripts/setup-webgpu.sh (Mesa 25 lavapipe for WebGPU tests)' \
        'Types: deb' \
        'URIs: http://deb.debian.org/debian' \
        'Suites: bookworm-backports' \
        'Components: main' \
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
        | "${SUDO[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
    fi
  else
    RELEASE="$CODENAME"
    log "not bookworm ($CODENAME): taking lavapipe from $CODENAME itself"
  fi
fi

# --- 1. system packages (bookworm's own versions) ---------------------------
need=()
for pkg in libvulkan1 mesa-vulkan-drivers; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    need+=("$pkg")
  fi
done
if [ "${#need[@]}" -gt 0 ]; then
  apt_update_once
  log "apt-get install ${need[*]}"
  # Installed from the default release on purpose: only its dependencies are
  # needed; the newer lavapipe comes from the extracted backports package.
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
else
  log "libvulkan1 and mesa-vulkan-drivers already installed"
fi

# --- 2. newer lavapipe, extracted project-locally ---------------------------
if [ "$NEED_EXTRACT" -eq 0 ]; then
  log "driver already extracted: $LVP_SO (mesa $(cat "$STAMP"))"
else
  # Find the version of mesa-vulkan-drivers that RELEASE offers (update the
  # lists first if it is not known yet, e.g. on a fresh machine).
  candidate() {
    apt-cache madison mesa-vulkan-drivers 2>/dev/null \
      | awk -F'|' -v rel="$RELEASE" '$3 ~ ("[ /]" rel "[/ ]") {gsub(/ /, "", $2); print $2; exit}'
  }
  VERSION="$(candidate || true)"
  if [ -z "$VERSION" ]; then
    apt_update_once
    VERSION="$(candidate || true)"
  fi
  [ -n "$VERSION" ] || die "no mesa-vulkan-drivers found in $RELEASE (apt-cache madison mesa-vulkan-drivers)"
  case "$VERSION" in
    2[3-9].*|[3-9][0-9].*) ;;
    *) die "mesa-vulkan-drivers $VERSION from $RELEASE is too old for Dawn (need >= 23)" ;;
  esac

  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  chmod 0777 "$TMP" # let apt's sandbox user (_apt) write the download
  log "downloading mesa-vulkan-drivers=$VERSION"
  (cd "$TMP" && apt-get download -qq "mesa-vulkan-drivers=$VERSION" >&2) \
    || die "apt-get download mesa-vulkan-drivers=$VERSION failed"
  DEB="$(ls "$TMP"/mesa-vulkan-drivers_*.deb)"
  dpkg-deb -x "$DEB" "$TMP/x"
  SRC_SO="$TMP/x/usr/lib/$MULTIARCH/libvulkan_lvp.so"
  [ -s "$SRC_SO" ] || die "libvulkan_lvp.so not found in $DEB"

  mkdir -p "$OUT_DIR"
  # Replace atomically so a concurrent reader never sees a half-copied file.
  cp "$SRC_SO" "$LVP_SO.tmp" && mv -f "$LVP_SO.tmp" "$LVP_SO"
  # Keep the upstream manifest's api_version if present.
  API_VERSION="$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' \
    "$TMP/x/usr/share/vulkan/icd.d/lvp_icd.json" 2>/dev/null | head -n1)"
  echo "${API_VERSION:-1.3.0}" >"$OUT_DIR/api-version.txt"
  echo "$VERSION" >"$STAMP"
  log "extracted lavapipe from mesa $VERSION to $LVP_SO"
fi

# --- 3. ICD manifest (rewritten every run: cheap, and fixes stale copies) ---
# A relative library_path is resolved by the Vulkan loader relative to the
# manifest's own directory.
API_VERSION="$(cat "$OUT_DIR/api-version.txt" 2>/dev/null || echo 1.3.0)"
cat >"$ICD_JSON.tmp" <<EOF
{
    "file_format_version": "1.0.0",
    "ICD": {
        "library_path": "./libvulkan_lvp.so",
        "api_version": "$API_VERSION"
    }
}
EOF
mv -f "$ICD_JSON.tmp" "$ICD_JSON"

# --- 4. sanity check: every library lavapipe links against must resolve -----
if command -v ldd >/dev/null 2>&1; then
  missing="$(ldd "$LVP_SO" | grep 'not found' || true)"
  if [ -n "$missing" ]; then
    die "libraries missing for $LVP_SO:
$missing
(a newer backports Mesa may need e.g. a newer libLLVM: apt-get install -t bookworm-backports <lib>)"
  fi
fi
[ -e "/usr/lib/$MULTIARCH/libvulkan.so.1" ] || die "Vulkan loader libvulkan.so.1 missing (apt-get install libvulkan1)"

log "ok. Use: export VK_ICD_FILENAMES=$ICD_JSON"
echo "$ICD_JSON"
