#!/usr/bin/env bash
# The main job: builds xorseed if needed, then runs the default seed study — sigmoid, relu and
# tanh hidden activations with a sigmoid output and the seed document's other settings (2-2-1,
# lr 0.5, init U(-0.5, 0.5), the four corners, up to 20000 iterations, stop loss 0.002) —
# 1,000,000 networks per activation (57 s on the 2-core development CPU; a GPU run is not timed yet).
# The report goes to a new directory: study-out/, or study-out-2/, -3/, ... when that exists (an
# earlier study is never deleted; it says which). Extra arguments go to xorseed study (e.g.
# --seeds 2000 --out other-dir; with --out or --resume the directory is the caller's).
# XORSEED_BUILD_DIR picks the build directory (default build), as for tools/build.sh. The build's
# configure lines and progress are shown.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
# Defaults for the flags the caller did not give (CLI11 refuses a flag given twice).
given() { local f; for f in "${user_args[@]}"; do [[ $f == "$1" || $f == "$1="* ]] && return 0; done; return 1; }
user_args=("$@")
defaults=()
given --hidden-activation || defaults+=(--hidden-activation sigmoid,relu,tanh)
given --output-activation || defaults+=(--output-activation sigmoid)
given --seeds || defaults+=(--seeds 1000000)
if ! given --out && ! given --resume; then
  out=study-out
  for ((n = 2; ; ++n)); do
    [ -e "$out" ] || break
    out=study-out-$n
  done
  echo "run.sh: writing the study to $out/"
  defaults+=(--out "$out")
fi
exec "${XORSEED_BUILD_DIR:-build}/xorseed" study "${defaults[@]}" "$@"
