#!/usr/bin/env bash
# Installs the pinned moto server (test/aws/requirements.txt) into a venv outside the repo, once per version of
# that file, and prints the path of its moto_server. Safe to run concurrently (flock); offline once installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/requirements.txt"
hash="$(sha256sum "$requirements" | cut -c1-12)"
root="${EMQX_RECONCILER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emqx-reconciler}"
venv="$root/moto-$hash"
mkdir -p "$root"
exec 9>"$root/moto.lock"
flock 9
if [[ ! -f "$venv/.installed" ]]; then
  python="$(command -v python3 || true)"
  [[ -n "$python" ]] || { echo "install-moto: python3 (3.9+) is required for the AWS wire tests" >&2; exit 1; }
  echo "install-moto: installing moto into $venv (first run only)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin/moto_server"
