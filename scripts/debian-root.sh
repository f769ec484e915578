#!/usr/bin/env bash
# A Debian root for testing obs-bgm on another release than the machine's (Debian 13 "trixie" on a Debian 12 host,
# or the reverse), made with debootstrap from Debian's mirror, and commands run inside it with proc, sys, dev and a
# private /dev/shm mounted. Needs root (or sudo).
#
#   scripts/debian-root.sh make RELEASE DIR        a minbase root in DIR (nothing is done when DIR already has one)
#   scripts/debian-root.sh run DIR COMMAND...      runs COMMAND in DIR as root; the mounts go when it ends
#   scripts/debian-root.sh copy-project DIR DEST   puts this checkout's files (tracked and new, not ignored) at DEST
#                                                  inside DIR, keeping DEST's build folders for an incremental build
#
# The mirror is Debian's (OBS_BGM_DEBIAN_MIRROR overrides it). Processes left running inside the root when COMMAND
# ends are stopped before the mounts are taken away.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
mirror="${OBS_BGM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

. "$root_dir/scripts/lib/as-root.sh"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "debian-root: installing $2 (for $1)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

make_root() {
  local release=$1 dir=$2
  if [ -f "$dir/etc/debian_version" ] && [ -x "$dir/usr/bin/apt-get" ]; then
    echo "debian-root: $dir already holds Debian $(cat "$dir/etc/debian_version")"
    return
  fi
  need debootstrap debootstrap
  as_root mkdir -p "$(dirname "$dir")"
  # Into a temporary folder first: a debootstrap cut short never passes for a finished root.
  local partial="$dir.partial"
  as_root rm -rf "$partial"
  echo "debian-root: making a Debian $release root in $dir (debootstrap, minbase)"
  as_root debootstrap --variant=minbase "$release" "$partial" "$mirror" >"${TMPDIR:-/tmp}/debootstrap-$release.log" 2>&1 || {
    tail -n 30 "${TMPDIR:-/tmp}/debootstrap-$release.log" >&2
    echo "debian-root: debootstrap failed (log above)" >&2
    exit 1
  }
  # apt inside the root: the release's security updates too, and no recommends (as install-deps.sh asks).
  as_root sh -c "printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    '$mirror' '$release' '$mirror' '$release' '$release' > '$partial/etc/apt/sources.list'"
  as_root mv "$partial" "$dir"
}

# Stops every process whose root is inside `dir` (what a test left behind), then takes the mounts away.
release_root() {
  local dir
  dir=$(cd "$1" && pwd -P)
  local pids=() p link
  for p in /proc/[0-9]*; do
    link=$(readlink "$p/root" 2>/dev/null) || continue
    [ "$link" = "$dir" ] || [[ "$link" == "$dir/"* ]] && pids+=("${p#/proc/}")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    as_root kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 2
    as_root kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  local m
  for m in dev/shm dev/pts dev sys proc; do
    if mountpoint -q "$dir/$m"; then as_root umount "$dir/$m" 2>/dev/null || as_root umount -l "$dir/$m"; fi
  done
}

run_in_root() {
  local dir=$1
  shift
  [ -f "$dir/etc/debian_version" ] || { echo "debian-root: $dir is not a Debian root (make it first)" >&2; exit 1; }
  as_root cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  trap 'release_root "'"$dir"'"' EXIT
  mountpoint -q "$dir/proc" || as_root mount -t proc proc "$dir/proc"
  mountpoint -q "$dir/sys" || as_root mount -t sysfs sysfs "$dir/sys"
  mountpoint -q "$dir/dev" || as_root mount --bind /dev "$dir/dev"
  mountpoint -q "$dir/dev/pts" || as_root mount --bind /dev/pts "$dir/dev/pts"
  mountpoint -q "$dir/dev/shm" || as_root mount -t tmpfs -o mode=1777 shm "$dir/dev/shm"
  as_root chroot "$dir" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 CI="${CI:-}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

copy_project() {
  local dir=$1 dest=$2
  as_root mkdir -p "$dir/$dest"
  # What the checkout holds now, tracked or new; builds and outputs stay (an incremental build where the root is kept).
  as_root find "$dir/$dest" -mindepth 1 -maxdepth 1 ! -name 'build*' ! -name out -exec rm -rf {} +
  (cd "$root_dir" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) | as_root tar -xf - -C "$dir/$dest"
}

case "${1:-}" in
  make) [ $# -eq 3 ] || { echo "usage: debian-root.sh make RELEASE DIR" >&2; exit 2; }; make_root "$2" "$3" ;;
  run) [ $# -ge 3 ] || { echo "usage: debian-root.sh run DIR COMMAND..." >&2; exit 2; }; dir=$2; shift 2; run_in_root "$dir" "$@" ;;
  copy-project) [ $# -eq 3 ] || { echo "usage: debian-root.sh copy-project DIR DEST" >&2; exit 2; }; copy_project "$2" "$3" ;;
  *) echo "usage: debian-root.sh make RELEASE DIR | run DIR COMMAND... | copy-project DIR DEST" >&2; exit 2 ;;
esac
