#!/usr/bin/env bash
# A listening page: one piece per style with each SoundFont (FluidR3 GM and MuseScore General), and five seeds of one
# prompt, rendered into a folder with an HTML page: a player per file, its spectrogram and what was measured (the
# render's statement: loudness, true peak, tempo, key, SoundFont and licence; and on one speaker: the left/right
# correlation, as a correlation meter shows it, and how much quieter the mono fold-down is). A switch plays every
# player in mono (left and right summed), as a phone speaker would. For a person to hear what the composer does.
# Needs a built tree (scripts/build.sh).
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
  # One speaker: the correlation meter's mean (ffmpeg's aphasemeter, +1 mono, 0 unrelated, -1 cancels) and the
  # mono fold-down's loudness against the stereo file's.
  local phase stereo mono
  phase=$(ffmpeg -hide_banner -nostats -i "$out/$name.m4a" -af "aphasemeter=video=0,ametadata=mode=print:key=lavfi.aphasemeter.phase:file=-" \
    -f null - 2>/dev/null | awk -F= '/phase=/{s+=$2;n++} END{printf "%.2f", n ? s/n : 0}')
  stereo=$(ffmpeg -hide_banner -nostats -i "$out/$name.m4a" -af ebur128 -f null - 2>&1 | awk '/I:/{v=$2} END{print v}')
  mono=$(ffmpeg -hide_banner -nostats -i "$out/$name.m4a" -af "pan=stereo|c0=0.5*c0+0.5*c1|c1=0.5*c0+0.5*c1,ebur128" -f null - 2>&1 | awk '/I:/{v=$2} END{print v}')
  rows+=$(NAME="$name" PHASE="$phase" STEREO="$stereo" MONO="$mono" python3 -c '
import html, json, os, sys
j = json.load(sys.stdin)
s, spec = j["statement"], j["spec"]
e = html.escape
name = e(os.environ["NAME"])
about = "%s, %s, %d BPM, seed %s" % (e(spec.get("style_name", "")), e(spec.get("key", {}).get("name", "")), round(spec.get("tempo_bpm", 0)), spec.get("seed"))
player = "<audio controls preload=none src=\"%s.m4a\"></audio><br><img src=\"%s.png\" width=400>" % (name, name)
measures = "%s LUFS<br>%s dBTP<br>%s (%s)" % (s["integrated_lufs"], s["true_peak_dbtp"], e(s["soundfont"]["name"]), e(s["soundfont"]["licence"]))
mono = "%+.1f dB" % (float(os.environ["MONO"]) - float(os.environ["STEREO"])) if os.environ["MONO"] and os.environ["STEREO"] else "?"
measures += "<br>correlation %s<br>mono fold-down %s" % (e(os.environ["PHASE"]), mono)
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
<style>body{font-family:sans-serif;margin:2em}td{padding:.5em;vertical-align:top;border-bottom:1px solid #ddd}
#mono{position:sticky;top:0;background:#fff;padding:.5em 0}</style>
<h1>obs-bgm: a listening page</h1>
<p>One piece per style with each SoundFont (seed 1, ${seconds} s), then five seeds of one prompt: each seed should be a
new piece. Measures are the render's own statement, the correlation meter's mean (1: the same in both speakers, 0:
unrelated, below 0: parts cancel on one speaker) and how much quieter the file is folded to mono.</p>
<label id=mono><input type=checkbox id=mono-switch> Play in mono (left and right summed, as one speaker plays it)</label>
<table>$rows</table>
<script>
// Every player through Web Audio: stereo as it is, or both channels summed into each (the switch).
let context = null;
const routes = [];
function route(audio) {
  const source = context.createMediaElementSource(audio);
  const split = context.createChannelSplitter(2), merge = context.createChannelMerger(2);
  const half = [context.createGain(), context.createGain(), context.createGain(), context.createGain()];
  source.connect(split);
  // left to left, right to right; and across, silent in stereo
  split.connect(half[0], 0); half[0].connect(merge, 0, 0);
  split.connect(half[1], 1); half[1].connect(merge, 0, 1);
  split.connect(half[2], 1); half[2].connect(merge, 0, 0);
  split.connect(half[3], 0); half[3].connect(merge, 0, 1);
  merge.connect(context.destination);
  routes.push(half);
}
function apply() {
  const mono = document.getElementById("mono-switch").checked;
  for (const half of routes) {
    half[0].gain.value = half[1].gain.value = mono ? 0.5 : 1;
    half[2].gain.value = half[3].gain.value = mono ? 0.5 : 0;
  }
}
document.querySelectorAll("audio").forEach(a => a.addEventListener("play", () => {
  if (!context) context = new AudioContext();
  if (!a.dataset.routed) { a.dataset.routed = 1; route(a); apply(); }
  context.resume();
}));
document.getElementById("mono-switch").addEventListener("change", apply);
</script>
EOF
echo "Open $out/index.html"
