#!/usr/bin/env bash
# Installs a built obs-bgm .deb into a fresh Debian root of its release, as a user would (apt install ./obs-bgm_*.deb,
# with what it recommends: OBS itself), and checks it there (scripts/lib/package-checks.sh): the files where the
# release's OBS and systemd look for them, `obs-bgm score` from PATH as a normal user, OBS loading the plugin from
# the system folder under Xvfb, the render server's user, folder and unit (systemd-analyze verify), and that
# removing the package removes every file it installed (purging, its data too).
#
#   scripts/check-package.sh RELEASE DEB
#
# The fresh root is a copy of a pristine debootstrap root kept in OBS_BGM_ROOTS (default /var/cache/obs-bgm,
# RELEASE-base, made when missing); the copy is deleted afterwards. Needs root or sudo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
release="${1:?usage: check-package.sh RELEASE DEB}"
deb=$(realpath "${2:?usage: check-package.sh RELEASE DEB}")
roots="${OBS_BGM_ROOTS:-/var/cache/obs-bgm}"
base="$roots/$release-base"
fresh="$roots/$release-package-check"
. "$root/scripts/lib/as-root.sh"

"$root/scripts/debian-root.sh" make "$release" "$base"
as_root rm -rf "$fresh"
as_root cp -a "$base" "$fresh"
cleanup() { as_root rm -rf "$fresh"; }
trap cleanup EXIT

as_root mkdir -p "$fresh/tmp/check"
as_root cp "$deb" "$root/scripts/lib/package-checks.sh" "$fresh/tmp/check/"
# A short clip to score (made here: the fresh root has no FFmpeg command until the checks install one to measure with).
ffmpeg -v error -y -f lavfi -i "testsrc2=s=320x180:r=30:d=6" -f lavfi -i "sine=f=220:r=48000:d=6" \
  -c:v libx264 -preset ultrafast -c:a aac -shortest "$root/build/package-check-clip.mp4"
as_root cp "$root/build/package-check-clip.mp4" "$fresh/tmp/check/clip.mp4"
"$root/scripts/debian-root.sh" run "$fresh" bash /tmp/check/package-checks.sh "/tmp/check/$(basename "$deb")"
