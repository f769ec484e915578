#!/usr/bin/env bash
# A listening page: one piece per style with each SoundFont (FluidR3 GM and MuseScore General), and five seeds of one
# prompt, rendered into a folder with an HTML page: a player per file, its spectrogram and what was measured (the
# render's statement: loudness, true peak, tempo, key, SoundFont and licence). For a person to hear what the composer
# does. Needs a built tree (scripts/build.sh).
#   scripts/listen.sh [OUT_DIR] [SECONDS]      default: out/listen, 30 s
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/out/listen"}
seconds=${2:-30}
bgm="$root/build/common/obs-bgm"
[ -x "$bgm" ] || { echo "Build first: scripts/build.sh" >&2; exit 1; }
mkdir -p "$out"

soundfonts=("/usr/share/sounds/sf2/FluidR3_GM.sf2")
[ -f /usr/share/sounds/sf3/MuseScore_General.sf3 ] && soundfonts+=("/usr/share/sounds/sf3/MuseScore_General.sf3")
styles=$("$bgm" styles --json | python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))')

rows=""
render() {  # render NAME ARGS...: one piece, its spectrogram and a table row
  local name=$1; shift
  local json
  json=$("$bgm" generate -d "$seconds" --json -q -o "$out/$name.m4a" "$@")
  ffmpeg -v error -y -i "$out/$name.m4a" -lavfi "showspectrumpic=s=800x200:legend=0:scale=log" "$out/$name.png"
  rows+=$(NAME="$name" python3 -c '
import html, json, os, sys
j = json.load(sys.stdin)
s, spec = j["statement"], j["spec"]
e = html.escape
name = e(os.environ["NAME"])
about = "%s, %s, %d BPM, seed %s" % (e(spec.get("style_name", "")), e(spec.get("key", {}).get("name", "")), round(spec.get("tempo_bpm", 0)), spec.get("seed"))
player = "<audio controls preload=none src=\"%s.m4a\"></audio><br><img src=\"%s.png\" width=400>" % (name, name)
measures = "%s LUFS<br>%s dBTP<br>%s (%s)" % (s["integrated_lufs"], s["true_peak_dbtp"], e(s["soundfont"]["name"]), e(s["soundfont"]["licence"]))
print("<tr><td><b>%s</b><br>%s</td><td>%s</td><td>%s</td></tr>" % (name, about, player, measures))
' <<<"$json")
  echo "  $name"
}

echo "Rendering into $out ..."
for sf in "${soundfonts[@]}"; do
  tag=$(basename "$sf" | cut -d_ -f1)
  for style in $styles; do render "$style-$tag" --style "$style" --seed 1 --soundfont "$sf"; done
done
for seed in 11 12 13 14 15; do render "corporate-seed-$seed" --prompt "upbeat corporate background music" --seed "$seed"; done

cat >"$out/index.html" <<EOF
<!doctype html><meta charset=utf-8><title>obs-bgm: a listening page</title>
<style>body{font-family:sans-serif;margin:2em}td{padding:.5em;vertical-align:top;border-bottom:1px solid #ddd}</style>
<h1>obs-bgm: a listening page</h1>
<p>One piece per style with each SoundFont (seed 1, ${seconds} s), then five seeds of one prompt: each seed should be a
new piece. Measures are the render's own statement.</p>
<table>$rows</table>
EOF
echo "Open $out/index.html"
