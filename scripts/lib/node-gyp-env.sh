# Sourced by the scripts that build N-API addons with node-gyp on a machine
# that cannot reach nodejs.org: points node-gyp at the Node headers already
# on the machine and at npm's bundled node-gyp. Expects a `die` function.
#
# Sets (unless the caller set them): npm_config_nodedir, npm_config_node_gyp.

# Node headers: node-gyp would otherwise try to download them from
# nodejs.org. Debian/NodeSource nodes ship them in <prefix>/include/node.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  for d in /usr "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"; do
    if [[ -f "$d/include/node/node_api.h" && -f "$d/include/node/common.gypi" ]]; then
      export npm_config_nodedir="$d"; break
    fi
  done
fi
[[ -n "${npm_config_nodedir:-}" && -f "$npm_config_nodedir/include/node/node_api.h" ]] \
  || die "node headers not found (looked for <prefix>/include/node/node_api.h); set npm_config_nodedir"
# npm's bundled node-gyp unless the caller chose one.
if [[ -z "${npm_config_node_gyp:-}" ]]; then
  npm_root_g="$(npm root -g 2>/dev/null || true)"
  if [[ -n "$npm_root_g" && -f "$npm_root_g/npm/node_modules/node-gyp/bin/node-gyp.js" ]]; then
    export npm_config_node_gyp="$npm_root_g/npm/node_modules/node-gyp/bin/node-gyp.js"
  fi
fi
