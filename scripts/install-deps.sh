#!/usr/bin/env bash
# Installs everything obs-bgm needs to build, run, test and package, from the Debian packages of the release it runs
# on: Debian 12 "bookworm" (OBS 29, Qt 5, clang 14) or Debian 13 "trixie" (OBS 30, Qt 6, clang 19). Idempotent:
# packages already present are left alone, and nothing is fetched when all are there.
set -euo pipefail
. "$(dirname "$0")/lib/release.sh"
codename=$(debian_codename)
llvm=$(llvm_version)
case "$codename" in
  # Debian 12's OBS 29 is built with Qt 5 (a Qt 6 plugin aborts it).
  bookworm) obs_qt=(qtbase5-dev) ;;
  # OBS 30 and later use Qt 6; its SVG icons (combo arrows, check boxes, dock buttons) need the SVG image plugin,
  # a Recommends of OBS's that --no-install-recommends leaves out.
  *) obs_qt=(qt6-base-dev qt6-svg-plugins) ;;
esac

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # the engine
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev
  libfluidsynth-dev fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small libebur128-dev fonts-dejavu-core
  libcurl4-openssl-dev nlohmann-json3-dev
  # sessions and `obs-bgm serve`: SQLite, the HTTP front (Boost.Beast, headers only), OpenSSL (token hashes, TLS);
  # cpp-httplib for the tests' scripted fault server
  libsqlite3-dev libboost-dev libssl-dev libcpp-httplib-dev
  # several render boxes on one database (`serve --db postgresql://...`): libpq; for their tests, PostgreSQL's
  # server (a throw-away cluster per test program), HAProxy in front, nginx to check the documented alternative
  libpq-dev postgresql haproxy nginx-light
  # the OBS plugin: the release's OBS, its headers and the Qt it was built with
  obs-studio obs-plugins libobs-dev "${obs_qt[@]}"
  # tests and benchmarks: GoogleTest, independent tools to measure outputs with, and a screen for the real OBS
  # (jq: the curl flow of docs/serve.md, run as written; iproute2 and util-linux: the tests that must not reach any network run in a private one, `unshare -n`;
  # time: /usr/bin/time measures a child's peak memory)
  libgtest-dev libgmock-dev ffmpeg fluidsynth espeak-ng curl jq openssl iproute2 util-linux time
  xvfb xauth imagemagick libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libx11-dev
  # the dock's layout test measures Chinese words in a Chinese font; the preview test hears OBS's monitoring
  # through a private PulseAudio server (a null sink, recorded with parec)
  fonts-wqy-microhei pulseaudio pulseaudio-utils
  # reliability checks: clang with libFuzzer and the sanitizer runtimes, a symbolizer for readable reports, gdb for
  # the stacks of a hung OBS in the end-to-end tests
  "clang-$llvm" "libclang-rt-$llvm-dev" "llvm-$llvm" gdb
  # the package (scripts/package.sh): dpkg-shlibdeps and dpkg-deb, the man page, lintian, systemd-analyze; the roots
  # of the other release and of the package check (scripts/debian-root.sh)
  dpkg-dev help2man lintian systemd debootstrap
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages for Debian $codename are installed."
  exit 0
fi

# As root directly; otherwise through sudo, passing the non-interactive front end explicitly (sudo resets the
# environment). Without either, say first what is missing and how to become root, before anything else.
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: ${#missing[@]} Debian packages are missing, and installing them needs root (sudo is not installed)." >&2
    echo "Become root with 'su -' (the root password), then run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "or run this script again as root. (To use sudo instead: as root, 'apt-get install sudo' and" >&2
    echo "'adduser $(id -un) sudo', then log in again.)" >&2
    exit 1
  fi
  as_root=(sudo DEBIAN_FRONTEND=noninteractive)
fi
echo "install-deps: installing for Debian $codename: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
