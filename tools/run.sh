#!/usr/bin/env bash
# The main job: builds xorseed if needed, then trains the seed document's network with its
# report (xorseed train, defaults). Extra arguments go to xorseed train.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh >/dev/null
exec build/xorseed train --out out "$@"
