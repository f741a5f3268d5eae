#!/usr/bin/env bash
# Type-checks sst.config.ts and infra/ offline. `sst install` extracts SST's platform types and
# installs its Pulumi packages from the npm registry only; the result is cached outside the repo per SST version
# and linked into .sst/platform, so only the first run on a machine pays for it (~1 min, ~300 MB).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH" SST_TELEMETRY_DISABLED=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1
version="$(node -p 'JSON.parse(require("fs").readFileSync("node_modules/sst/package.json","utf8")).version')"
cache="${EMQX_RECONCILER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emqx-reconciler}/sst-$version"
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9
if [[ ! -f "$cache/.sst/platform/config.d.ts" || ! -f "$cache/.installed" ]]; then
  echo "infra/typecheck: installing the SST $version platform into $cache (first run only)" >&2
  rm -rf "$cache/.sst"
  # A stub app: `sst install` bundles the config, and only the platform it extracts is wanted here.
  printf 'export default $config({ app() { return { name: "platform-cache", home: "aws" }; }, async run() {} });\n' > "$cache/sst.config.ts"
  printf '{ "name": "sst-platform-cache", "private": true, "devDependencies": { "sst": "%s" } }\n' "$version" > "$cache/package.json"
  ln -sfn "$PWD/node_modules" "$cache/node_modules"
  (cd "$cache" && sst install --stage ci >&2)
  touch "$cache/.installed"
fi
mkdir -p .sst
if [[ "$(readlink .sst/platform || true)" != "$cache/.sst/platform" ]]; then
  rm -rf .sst/platform
  ln -s "$cache/.sst/platform" .sst/platform
fi
tsc -p infra/tsconfig.json
echo "infra/typecheck: sst.config.ts and infra/ type-check against SST $version"
