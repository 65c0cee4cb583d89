#!/usr/bin/env bash
# Installs the Debian packages xorseed builds with, if any is missing. Idempotent; quiet when all
# is there. Needs root (or sudo) only when something must be installed. Where installing is not
# possible (no apt, no network, no sudo) it says so and returns 0: the configure step then reports
# what is really missing (a library may be installed another way), and Cairo/giflib are optional
# (without them the build has no image output). XORSEED_SETUP=skip skips it all (a machine whose
# packages are known, e.g. tools/gpu-check.sh's).
set -euo pipefail
[ "${XORSEED_SETUP:-}" = skip ] && exit 0
packages=(cmake g++ pkg-config libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
          nlohmann-json3-dev libfmt-dev librandom123-dev libcairo2-dev libgif-dev libpng-dev fonts-dejavu-core
          libopenmpi-dev openmpi-bin ccache)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null &&
   timeout 300 "${sudo_cmd[@]}" apt-get update -qq -o Acquire::Retries=0 &&
   timeout 900 "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "setup: done"
else
  echo "setup: could not install ${missing[*]}; going on (configure says what is really missing)" >&2
fi
