#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build, install the OBS plugin for this user, make a
# sample recording (20 s, four shots, a spoken intro) and score it with the local engine. Results in out/:
# sample-recording.mp4 (the "recording") and sample-recording-bgm.mp4 (the same video with music under the voice).
# The obs-bgm tool is linked into ~/.local/bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
# Only what the demo runs: the obs-bgm tool and the OBS plugin (the tests and benchmarks are test.sh's).
"$root/scripts/build.sh" --target obs-bgm --target obs_bgm_plugin
"$root/scripts/install-plugin.sh"
# The tool on this user's PATH (~/.local/bin, which a Debian user's ~/.profile adds when it exists; not root's), so
# `obs-bgm` works in any terminal as the README's other commands write it.
bin="$HOME/.local/bin"
mkdir -p "$bin"
ln -sfn "$root/build/common/obs-bgm" "$bin/obs-bgm"
out="$root/out"
mkdir -p "$out"
rec="$out/sample-recording.mp4"
if [ ! -f "$rec" ]; then
  echo "Making a sample recording..."
  espeak-ng -w "$out/.voice.wav" "Hi everyone, welcome back. Today I will show you around the studio."
  ffmpeg -v error -y \
    -f lavfi -i "testsrc2=s=1280x720:r=30:d=5" -f lavfi -i "smptehdbars=s=1280x720:r=30:d=5" \
    -f lavfi -i "mandelbrot=s=1280x720:r=30,trim=duration=5,setpts=PTS-STARTPTS" \
    -f lavfi -i "gradients=s=1280x720:r=30:d=5" \
    -f lavfi -i "anoisesrc=r=48000:a=0.002:d=20:seed=1" -i "$out/.voice.wav" \
    -filter_complex "[0][1][2][3]concat=n=4:v=1,format=yuv420p[v];[5]aresample=48000,adelay=1500|1500[s];[4][s]amix=inputs=2:duration=first:normalize=0[a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -bf 2 -c:a aac -shortest "$rec"
  rm -f "$out/.voice.wav"
fi
"$root/build/common/obs-bgm" score "$rec" --prompt "${OBS_BGM_PROMPT:-}" --seed 2026 -o "$out/sample-recording-bgm.mp4"
echo
echo "The scored recording is at $out/sample-recording-bgm.mp4"
echo "obs-bgm is linked into $bin; compose music from text alone with: obs-bgm generate -p \"calm lo-fi, 30 seconds\" -o music.m4a"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "($bin is not on your PATH yet: run export PATH=\"$bin:\$PATH\", and add that line to ~/.profile to keep it)" ;;
esac
