#!/usr/bin/env bash
# The suite on another Debian release, in a root of its own made with debootstrap: Debian 13 "trixie" (OBS 30, Qt 6,
# g++ 14, FFmpeg 7, FluidSynth 2.4) from a Debian 12 machine, or the reverse. This checkout is copied in and
# scripts/suite.sh runs there (install-deps, build, CTest with the real OBS under Xvfb); then the package is made
# there and installed into a second, fresh root (scripts/check-package.sh).
#
#   scripts/test-release.sh RELEASE
#   scripts/test-release.sh --prepare RELEASE    only makes the root and installs its packages (test.sh runs this
#                                                while the machine's own release is tested)
#
# The roots live in OBS_BGM_ROOTS (default /var/cache/obs-bgm): kept between runs where the machine keeps them (the
# packages and the build are then reused: an incremental build), made afresh where it does not. Needs root or sudo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prepare_only=false
if [ "${1:-}" = --prepare ]; then
  prepare_only=true
  shift
fi
release="${1:?usage: test-release.sh [--prepare] RELEASE}"
roots="${OBS_BGM_ROOTS:-/var/cache/obs-bgm}"
dir="$roots/$release"
summary="${OBS_BGM_TEST_SUMMARY:-$root/build/test-summary.log}"
mkdir -p "$(dirname "$summary")"  # a fresh checkout has no build folder yet
started=$(date +%s)

"$root/scripts/debian-root.sh" make "$release" "$dir"
"$root/scripts/debian-root.sh" copy-project "$dir" /src/obs-bgm
# ccache inside the root: where the root is kept, unchanged files are not compiled again.
"$root/scripts/debian-root.sh" run "$dir" sh -c 'command -v ccache >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ccache >/dev/null; }'
if $prepare_only; then
  "$root/scripts/debian-root.sh" run "$dir" /src/obs-bgm/scripts/install-deps.sh
  echo "test-release: the Debian $release root is ready in $(( $(date +%s) - started )) s"
  exit 0
fi
inner_summary="$dir/src/obs-bgm/build/test-summary.log"
rm -f "$inner_summary"
status=0
"$root/scripts/debian-root.sh" run "$dir" env CCACHE_DIR=/var/cache/ccache CMAKE_C_COMPILER_LAUNCHER=ccache \
  CMAKE_CXX_COMPILER_LAUNCHER=ccache /src/obs-bgm/scripts/suite.sh || status=$?
[ -f "$inner_summary" ] && sed "s/^/[$release] /" "$inner_summary" >> "$summary"
if [ "$status" -ne 0 ]; then
  echo "test-release: the suite failed on Debian $release (exit $status)" >&2
  exit "$status"
fi
echo "== the package on Debian $release"
"$root/scripts/debian-root.sh" run "$dir" /src/obs-bgm/scripts/package.sh
mkdir -p "$root/out/$release"
cp "$dir"/src/obs-bgm/out/*.deb "$root/out/$release/"
"$root/scripts/check-package.sh" "$release" "$root/out/$release"/*.deb | tee -a "$summary"
echo "test-release: Debian $release passed in $(( $(date +%s) - started )) s"
