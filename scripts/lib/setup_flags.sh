# The flags the setup scripts share, parsed once: --force (set up again even
# when in place) and --check (only report: exit 0 when in place, 1 when not).
# Sets FORCE and CHECK to 0 or 1.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/setup_flags.sh"
#   parse_setup_flags setup-webgpu "$@"
parse_setup_flags() {
  local script="$1" arg
  shift
  FORCE=0
  CHECK=0
  for arg in "$@"; do
    case "$arg" in
      --force) FORCE=1 ;;
      --check) CHECK=1 ;;
      *) echo "[$script] ERROR: unknown argument '$arg' (expected --force, --check or nothing)" >&2
         exit 1 ;;
    esac
  done
}
