#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build, and compose a sample piece with the local
# engine. The piece is written to out/sample.m4a (and its score to out/sample.mid).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
mkdir -p "$root/out"
"$root/build/common/obs-bgm" generate \
  --prompt "${OBS_BGM_PROMPT:-uplifting corporate background music with piano, 30 seconds}" \
  --seed 2026 --midi "$root/out/sample.mid" -o "$root/out/sample.m4a"
echo
echo "Your piece is at $root/out/sample.m4a"
