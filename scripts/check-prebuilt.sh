#!/usr/bin/env bash
# check-prebuilt.sh: checks that an addon file loads on the Linux systems
# tfjs-node users run (glibc 2.28 and later, any libstdc++ or none), given
# a libtensorflow that tfjs-node already loaded. Fails (exit 1) naming each
# offending item:
#   - not an x86-64 ELF shared object;
#   - a symbol versioned above GLIBC_2.28 (or GLIBC_PRIVATE);
#   - any GLIBCXX_/CXXABI_ version requirement, or NEEDED libstdc++/libc++;
#   - an RPATH or RUNPATH;
#   - a NEEDED entry other than libtensorflow_framework.so.2 and glibc's own;
#   - an undefined symbol nothing at load time provides: not from glibc, not
#     Node-API (napi_*, node_api_*), not TensorFlow's C API (TF_*).
# Prints the file's size and gzipped size.
#
# Usage: bash scripts/check-prebuilt.sh [file]
#   (default: prebuilds/linux-x64/tfjs_blocksparse_native.node)
set -euo pipefail

MAX_GLIBC=2.28
ALLOWED_NEEDED=(libtensorflow_framework.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2
                librt.so.1 ld-linux-x86-64.so.2)

log() { printf '[check-prebuilt] %s\n' "$*" >&2; }
FILE="${1:-$(dirname "${BASH_SOURCE[0]}")/../prebuilds/linux-x64/tfjs_blocksparse_native.node}"
[[ -f "$FILE" ]] || { log "ERROR: $FILE does not exist"; exit 1; }
for tool in readelf objdump gzip; do
  command -v "$tool" >/dev/null || { log "ERROR: '$tool' is not installed (apt-get install binutils gzip)"; exit 1; }
done

problems=()
header="$(readelf -h "$FILE" 2>/dev/null)" || { log "ERROR: $FILE is not an ELF file"; exit 1; }
grep -qE 'Type:[[:space:]]+DYN' <<<"$header" || problems+=("not a shared object")
grep -qE 'Machine:[[:space:]]+Advanced Micro Devices X86-64' <<<"$header" \
  || problems+=("not built for x86-64: $(sed -nE 's/.*Machine:[[:space:]]+//p' <<<"$header")")
dynamic="$(readelf -d "$FILE")"
symbols="$(objdump -T "$FILE")"

# objdump -T: "<address> <flags> <section> <size> [(]<version>[)] <name>".
# One line per version needed above the limit (or of a C++ runtime at
# all), naming a few of the symbols that need it.
by_version() {
  awk -v pattern="$1" '{
      for (i = 1; i < NF; i++) if ($i ~ pattern) {
        v = $i; gsub(/[()]/, "", v)
        count[v]++
        if (count[v] <= 3) names[v] = names[v] (count[v] > 1 ? ", " : "") $NF
      }
    }
    END { for (v in count) print v, count[v], names[v] (count[v] > 3 ? ", ..." : "") }' \
    <<<"$symbols" | sort -V
}
while read -r version count names; do
  [[ -z "$version" ]] && continue
  if [[ "$(printf '%s\n%s\n' "GLIBC_$MAX_GLIBC" "$version" | sort -V | tail -1)" != "GLIBC_$MAX_GLIBC" ]]; then
    problems+=("$version (newer than GLIBC_$MAX_GLIBC) needed by $count symbol(s): $names")
  fi
done < <(by_version '^\(?GLIBC_([0-9.]+|PRIVATE)\)?$')
while read -r version count names; do
  [[ -n "$version" ]] && problems+=("$version (a C++ runtime the system may lack) needed by $count symbol(s): $names")
done < <(by_version '^\(?(GLIBCXX|CXXABI)_[0-9.]+\)?$')

while read -r kind value; do
  problems+=("$kind $value")
done < <(sed -nE 's/.*\((RPATH|RUNPATH)\)[^[]*\[(.*)\].*/\1 \2/p' <<<"$dynamic")

needed=()
while read -r lib; do
  needed+=("$lib")
  case "$lib" in
    libstdc++*|libc++*) problems+=("NEEDED $lib (a C++ runtime the system may lack)"); continue ;;
  esac
  allowed=0
  for ok in "${ALLOWED_NEEDED[@]}"; do [[ "$lib" == "$ok" ]] && allowed=1; done
  ((allowed)) || problems+=("NEEDED $lib (not in the allow-list: ${ALLOWED_NEEDED[*]})")
done < <(sed -nE 's/.*\(NEEDED\).*\[(.*)\].*/\1/p' <<<"$dynamic")

# Undefined symbols without a version (a versioned one names its library):
# only Node-API's and TensorFlow's may be (weak ones, flagged w, may stay
# unresolved).
while read -r symbol; do
  problems+=("undefined symbol $symbol that neither Node nor libtensorflow provides")
done < <(awk '$0 ~ /\*UND\*/ && $2 != "w" && ($(NF - 1) == "Base" || NF == 5) &&
              $NF !~ /^(napi_|node_api_|TF_)/ { print $NF }' <<<"$symbols" | sort -u)

size=$(wc -c < "$FILE")
gzipped=$(gzip -9 -c "$FILE" | wc -c)
log "$FILE: $size bytes, $gzipped gzipped; NEEDED: ${needed[*]:-none}"
if ((${#problems[@]})); then
  for p in "${problems[@]}"; do log "FAIL: $p"; done
  log "FAILED: ${#problems[@]} problem(s) in $FILE"
  exit 1
fi
log "OK: glibc <= $MAX_GLIBC, no C++ runtime, no RPATH/RUNPATH, NEEDED within the allow-list"
