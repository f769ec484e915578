#!/usr/bin/env bash
# Installs the built plugin for the current user's OBS: ~/.config/obs-studio/plugins/obs-bgm/{bin/64bit,data}.
# OBS picks it up at its next start (the "AI Music" dock, the "AI Music Analyzer" filter).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
built="$root/build/obs-plugin/obs-bgm"
if [ ! -f "$built/bin/64bit/obs-bgm.so" ]; then
  echo "install-plugin: $built/bin/64bit/obs-bgm.so is not built (run scripts/build.sh; it needs libobs-dev)." >&2
  exit 1
fi
dest="${XDG_CONFIG_HOME:-$HOME/.config}/obs-studio/plugins/obs-bgm"
mkdir -p "$dest"
rm -rf "$dest/bin" "$dest/data"
cp -r "$built/bin" "$built/data" "$dest/"
echo "install-plugin: installed for this user in $dest (restart OBS to load it)."
