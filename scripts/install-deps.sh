#!/usr/bin/env bash
# Installs everything obs-bgm needs to build, run and test, from Debian 12's packages. Idempotent: packages
# already present are left alone, and nothing is fetched when all are there.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # the engine
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev
  libfluidsynth-dev fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small libebur128-dev fonts-dejavu-core
  libcurl4-openssl-dev nlohmann-json3-dev
  # sessions and `obs-bgm serve`: SQLite, the HTTP server, OpenSSL (token hashes, TLS)
  libsqlite3-dev libcpp-httplib-dev libssl-dev
  # the OBS plugin: Debian's OBS 29 and its headers, Qt 5 (what this OBS uses) and Qt 6 (CI compiles against it too)
  obs-studio obs-plugins libobs-dev qtbase5-dev qt6-base-dev
  # tests and benchmarks: GoogleTest, independent tools to measure outputs with, and a screen for the real OBS
  libgtest-dev libgmock-dev ffmpeg fluidsynth espeak-ng curl openssl
  xvfb xauth imagemagick libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libx11-dev
  # reliability checks: clang with libFuzzer and the sanitizer runtimes, a symbolizer for readable reports, gdb for
  # the stacks of a hung OBS in the end-to-end tests
  clang-14 libclang-rt-14-dev llvm-14 gdb
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
# As root directly; otherwise through sudo, passing the non-interactive front end explicitly (sudo resets the
# environment). Without either, say what to run.
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: these Debian packages are missing, and installing them needs root (sudo is not installed)." >&2
    echo "Run this as root, then run this script again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo DEBIAN_FRONTEND=noninteractive)
fi
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
