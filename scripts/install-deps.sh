#!/usr/bin/env bash
# Installs everything obs-bgm needs to build, run and test, from Debian 12's packages. Idempotent: packages
# already present are left alone, and nothing is fetched when all are there.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # the engine
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev
  libfluidsynth-dev fluid-soundfont-gm timgm6mb-soundfont libebur128-dev fonts-dejavu-core
  libcurl4-openssl-dev nlohmann-json3-dev
  # the OBS plugin: Debian's OBS 29 and its headers, Qt 5 (what this OBS uses) and Qt 6 (CI compiles against it too)
  obs-studio obs-plugins libobs-dev qtbase5-dev qt6-base-dev
  # tests and benchmarks: GoogleTest, independent tools to measure outputs with, and a screen for the real OBS
  libgtest-dev libgmock-dev ffmpeg fluidsynth espeak-ng
  xvfb xauth imagemagick libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libx11-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed."
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
