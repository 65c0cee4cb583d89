#!/usr/bin/env bash
# The main job: builds xorseed if needed, then runs two studies.
#  1. The default seed study: sigmoid, relu and tanh hidden activations with a sigmoid output and the
#     seed document's other settings (2-2-1, lr 0.5, init U(-0.5, 0.5), the four corners, up to 20000
#     iterations, stop loss 0.002), 1,000,000 networks per activation.
#  2. The seed document's hypothesis as an experiment (docs/semantics.md §12.4): the default network
#     with the initial cosine between W_h's rows set to -0.95, -0.85, ..., 0.95 (--init-cosine), the
#     same 30,000 seeds at every angle, so that the summary's "intervention" section says whether the
#     angle causes failure (no loss bands: their reference traces would double the time).
# Both together take about two minutes on the 2-core development CPU (bench/RESULTS.md has the times).
# The reports go to new directories: study-out/ and study-out-init-cosine/, or study-out-2/ and
# study-out-2-init-cosine/, ... when those exist (an earlier study is never deleted; it says which).
# Extra arguments go to the first study (e.g. --seeds 2000 --out other-dir); with --out or --resume
# the directory is the caller's and only that study runs. XORSEED_BUILD_DIR picks the build
# directory (default build), as for tools/build.sh. The build's configure lines and progress are shown.
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
xorseed="${XORSEED_BUILD_DIR:-build}/xorseed"
if given --out || given --resume; then
  exec "$xorseed" study "${defaults[@]}" "$@"
fi
out=study-out
for ((n = 2; ; ++n)); do
  [ -e "$out" ] || [ -e "$out-init-cosine" ] || break
  out=study-out-$n
done
echo "run.sh: writing the study to $out/"
"$xorseed" study "${defaults[@]}" --out "$out" "$@"
echo "run.sh: writing the initial-cosine intervention to $out-init-cosine/"
exec "$xorseed" study --init-cosine=-0.95..0.95:0.1 --seeds 30000 --trace-sample 0 --out "$out-init-cosine"
