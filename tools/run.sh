#!/usr/bin/env bash
# The main job: builds xorseed if needed, then runs the default seed study — sigmoid, relu and
# tanh hidden activations with a sigmoid output and the seed document's other settings (2-2-1,
# lr 0.5, init U(-0.5, 0.5), the four corners, up to 20000 iterations, stop loss 0.002) —
# 1,000,000 networks per activation (57 s on the 2-core development CPU; a GPU run is not timed yet).
# The report goes to study-out/ (summary.md, summary.json, plots/). Extra arguments go to
# xorseed study (e.g. --seeds 2000 --out other-dir). XORSEED_BUILD_DIR picks the build directory
# (default build), as for tools/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh >/dev/null
# Defaults for the flags the caller did not give (CLI11 refuses a flag given twice).
given() { local f; for f in "${user_args[@]}"; do [[ $f == "$1" || $f == "$1="* ]] && return 0; done; return 1; }
user_args=("$@")
defaults=()
given --hidden-activation || defaults+=(--hidden-activation sigmoid,relu,tanh)
given --output-activation || defaults+=(--output-activation sigmoid)
given --seeds || defaults+=(--seeds 1000000)
out=study-out
for ((k = 0; k < $#; ++k)); do
  case ${user_args[k]} in
    --out) out=${user_args[k+1]:-$out} ;;
    --out=*) out=${user_args[k]#--out=} ;;
  esac
done
given --out || defaults+=(--out "$out")
if ! given --resume && [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "run.sh: moving the previous study in $out to $out.previous"
  rm -rf "$out.previous" && mv "$out" "$out.previous"
fi
exec "${XORSEED_BUILD_DIR:-build}/xorseed" study "${defaults[@]}" "$@"
