#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into tests/fuzz/corpus/ (committed; run again only to refresh it).
# Needs a built obs-bgm (build/common/obs-bgm) and ffmpeg. Media seeds are kept tiny (a few KB).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cli="${OBS_BGM_CLI:-$here/../../build/common/obs-bgm}"
c="$here/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$c"/{prompt,spec,analysis,features,stores,cli_args,smf,media}

i=0
while IFS= read -r line; do
  i=$((i + 1))
  printf '%s' "$line" > "$c/prompt/seed-$i.txt"
  printf '\x01\x02\x00\x05%s' "$line" > "$c/spec/seed-$i.bin"
done <<'PROMPTS'
A dark cinematic trailer cue in D minor at 90 bpm, 45 seconds long
calm lo-fi for studying, 45 seconds, no drums
upbeat pop without drums or bass but with flute
just piano and cello, 1:30, seamless loop
史诗电影配乐，D小调，每分钟90拍，1分钟
轻松的低保真音乐，30秒，不要鼓，音量35%
欢快的钢琴和弦乐，快节奏，1分30秒
high energy rock in F# major, 2 min 10 s, music at 20%
key of Bb dorian, 0:00:45, soft gentle ambient
PROMPTS

"$cli" analyze --help >/dev/null
ffmpeg -v error -y -f lavfi -i testsrc2=s=64x36:r=10:d=3 -f lavfi -i sine=r=8000:d=3 -c:v libx264 -preset ultrafast -crf 45 \
  -c:a aac -b:a 8k -shortest "$tmp/clip.mkv"
"$cli" analyze "$tmp/clip.mkv" --json > "$c/analysis/decoder.json"
printf '%s' '{"format":"obs-bgm-analysis","version":1,"origin":"obs-filter","duration_s":12.5,"video":{"width":64,"height":36,"fps":10},"cuts":[2,4.5],"scene_switches":[6],"curves":{"interval_s":0.5,"motion":[0.1,0.9,0.2]},"recording":{"size_bytes":1000,"mtime_ns":17000000000}}' > "$c/analysis/filter.json"
printf '%s' '{"format":"obs-bgm-analysis","version":1,"duration_s":3}' > "$c/analysis/minimal.json"

head -c 512 /dev/urandom > "$c/features/random-1.bin"
head -c 64 /dev/zero > "$c/features/zeros.bin"

printf '%s' '{"output_dir":"/home/me/Videos","auto_score":true,"score_replays":false,"default_style":"lofi","soundfont":"","music_volume":0.35,"duck":true,"video_output":true}' > "$c/stores/settings.json"
printf '%s' '{"format":"obs-bgm-results","version":1,"results":[{"output":"/rec/a-bgm.mp4","source":"/rec/a.mkv","style_id":"lofi","style":"Lo-fi","prompt":"calm","duration_s":12.5,"has_video":true,"created_unix":1700000000}]}' > "$c/stores/results.json"

printf 'generate\0--prompt\0calm piano\0-d\0030\0--seed\0042\0-o\0x.wav\0--json' > "$c/cli_args/generate.bin"
printf 'score\0rec.mkv\0--duration=1e308\0--seed\0 -5\0--\0-o' > "$c/cli_args/odd.bin"

"$cli" generate --prompt "jazz trio" -d 4 --seed 3 --midi "$c/smf/jazz.mid" -o "$tmp/jazz.wav" -q >/dev/null

# Media: the first byte picks the extension the fuzz target gives the file (see kExtensions in fuzz_media.cpp).
media() { { printf "\\x$(printf %02x "$1")"; cat "$2"; } > "$c/media/$3"; }
media 0 "$tmp/clip.mkv" clip.mkv.bin
ffmpeg -v error -y -i "$tmp/clip.mkv" -c copy -movflags +faststart "$tmp/clip.mp4"; media 1 "$tmp/clip.mp4" clip.mp4.bin
ffmpeg -v error -y -i "$tmp/clip.mkv" -c copy -output_ts_offset 2 "$tmp/offset.mkv"; media 0 "$tmp/offset.mkv" offset.mkv.bin
ffmpeg -v error -y -f lavfi -i sine=r=8000:d=0.5 -ac 1 "$tmp/tone.wav"; media 5 "$tmp/tone.wav" tone.wav.bin
ffmpeg -v error -y -f lavfi -i sine=r=8000:d=1 -b:a 8k "$tmp/tone.mp3"; media 6 "$tmp/tone.mp3" tone.mp3.bin
ffmpeg -v error -y -f lavfi -i testsrc2=s=32x18:d=1 -frames:v 1 "$tmp/still.png"; media 9 "$tmp/still.png" still.png.bin
ls -la "$c"/*/ | head -60
