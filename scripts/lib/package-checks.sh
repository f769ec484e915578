#!/bin/bash
# Run by scripts/check-package.sh inside a fresh Debian root, as root: installs the obs-bgm package given as $1 and
# checks it as a user would find it. /tmp/check/clip.mp4 is a 6 s clip to score. Prints one line per check and
# "package checks: N passed, 0 failed" at the end; the first failure stops it.
set -euo pipefail
deb="$1"
export DEBIAN_FRONTEND=noninteractive
passed=0
pass() { passed=$((passed + 1)); echo "package check: $*"; }
fail() { echo "package check FAILED: $*" >&2; exit 1; }
multiarch=$(dpkg --print-architecture | sed 's/amd64/x86_64-linux-gnu/; s/arm64/aarch64-linux-gnu/')
. /etc/os-release

apt-get update -qq
# 1. The package with its dependencies only (a render box has no OBS): the tool must work from PATH.
apt-get install -y -qq --no-install-recommends "$deb" >/tmp/check/install.log 2>&1 || { tail -n 30 /tmp/check/install.log; fail "apt-get install $deb"; }
pass "installed $(dpkg-query -W -f='${Package} ${Version}' obs-bgm) on Debian $VERSION_CODENAME with its dependencies only"
dpkg -L obs-bgm | sort > /tmp/check/files
for f in /usr/bin/obs-bgm "/usr/lib/$multiarch/obs-plugins/obs-bgm.so" /usr/share/obs/obs-plugins/obs-bgm/locale/en-US.ini \
  /usr/share/obs/obs-plugins/obs-bgm/locale/zh-CN.ini /usr/share/man/man1/obs-bgm.1.gz /etc/default/obs-bgm \
  /usr/share/doc/obs-bgm/copyright; do
  [ -f "$f" ] && grep -qx "$f" /tmp/check/files || fail "$f is not installed by the package"
done
unit=$(grep -E '/systemd/system/obs-bgm.service$' /tmp/check/files) || fail "no systemd unit in the package"
pass "files in place: the plugin in /usr/lib/$multiarch/obs-plugins, its locale, the tool, the man page, $unit"
[ "$(command -v obs-bgm)" = /usr/bin/obs-bgm ] || fail "obs-bgm is not on PATH"
obs-bgm version | grep -q '^obs-bgm ' || fail "obs-bgm version"
zcat /usr/share/man/man1/obs-bgm.1.gz | grep -q 'obs-bgm serve' || fail "the man page has no serve section"
zcat /usr/share/man/man1/obs-bgm.1.gz | grep -Eq 'obs\\?-bgm generate \\?-p' || fail "the man page has no examples"
getent passwd obs-bgm >/dev/null || fail "the render server's user obs-bgm was not made"
[ "$(stat -c '%U:%G %a' /var/lib/obs-bgm)" = "obs-bgm:obs-bgm 750" ] || fail "/var/lib/obs-bgm: $(stat -c '%U:%G %a' /var/lib/obs-bgm)"
pass "the render server's user obs-bgm and its data folder /var/lib/obs-bgm (obs-bgm:obs-bgm 750)"

id tester >/dev/null 2>&1 || useradd -m tester
install -o tester -m 644 /tmp/check/clip.mp4 /home/tester/clip.mp4
runuser -u tester -- obs-bgm score /home/tester/clip.mp4 --seed 7 -o /home/tester/clip-bgm.mp4 >/tmp/check/score.log 2>&1 ||
  { cat /tmp/check/score.log; fail "obs-bgm score as a normal user"; }
[ -s /home/tester/clip-bgm.mp4 ] || fail "obs-bgm score wrote nothing"
pass "obs-bgm score from PATH as a normal user: $(tail -n 1 /tmp/check/score.log)"

# 2. What a desktop user gets (OBS, recommended) and the tools to look with (man-db: systemd-analyze verify opens
# the unit's Documentation= man page).
tools=(obs-studio xvfb xauth ffmpeg systemd curl procps man-db)
[ "$VERSION_CODENAME" = bookworm ] || tools+=(qt6-svg-plugins)
apt-get install -y -qq --no-install-recommends "${tools[@]}" >/tmp/check/tools.log 2>&1 || { tail -n 30 /tmp/check/tools.log; fail "installing ${tools[*]}"; }
in=$(ffprobe -v error -show_entries format=duration -of csv=p=0 /home/tester/clip.mp4)
out=$(ffprobe -v error -show_entries format=duration -of csv=p=0 /home/tester/clip-bgm.mp4)
streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 /home/tester/clip-bgm.mp4 | sort | tr '\n' ' ')
awk -v a="$in" -v b="$out" 'BEGIN { exit !(b - a < 0.1 && a - b < 0.1) }' || fail "the scored clip lasts $out s, the clip $in s"
[ "$streams" = "audio video " ] || fail "the scored clip has streams: $streams"
pass "the scored clip: video and audio, $out s (the clip $in s)"

# OBS loads the plugin from the system folder (no user plugin folder exists).
home=/home/tester
conf="$home/.config/obs-studio"
rm -rf "$conf"
mkdir -p "$conf"
printf '[General]\nFirstRun=true\nLastVersion=%s\nConfirmOnExit=false\nEnableAutoUpdates=false\n[BasicWindow]\nSysTrayEnabled=false\n[OBSWebSocket]\nFirstLoad=false\nServerEnabled=false\n' \
  486539266 > "$conf/global.ini"
chown -R tester:tester "$home/.config"
runuser -u tester -- env HOME="$home" xvfb-run -a -s "-screen 0 1280x800x24" obs --multi --disable-missing-files-check \
  >/tmp/check/obs.out 2>&1 &
session=$!
# OBS's own log file is written line by line (its standard output reaches a file in 4 KB blocks, and a slow exit
# under load can lose the last one), so the checks read the log file. Startup is complete once the modules are listed.
obs_log=
for _ in $(seq 1 240); do
  obs_log=$(ls -t "$conf"/logs/*.txt 2>/dev/null | head -n 1 || true)
  [ -n "$obs_log" ] && grep -q '==== Startup complete' "$obs_log" && break
  sleep 0.5
done
pkill -INT -x obs || true
for _ in $(seq 1 60); do pgrep -x obs >/dev/null || break; sleep 0.5; done
pkill -KILL -x obs 2>/dev/null || true
wait "$session" || true
[ -n "$obs_log" ] || { tail -n 60 /tmp/check/obs.out; fail "OBS wrote no log file in $conf/logs"; }
cp "$obs_log" /tmp/check/obs.log
grep -q '\[obs-bgm\] loaded (version' /tmp/check/obs.log || { tail -n 60 /tmp/check/obs.log; fail "OBS did not load the plugin"; }
sed -n '/Loaded Modules:/,/==== Startup complete/p' /tmp/check/obs.log | grep -q 'obs-bgm.so' ||
  { tail -n 60 /tmp/check/obs.log; fail "obs-bgm.so is not in OBS's list of loaded modules"; }
[ ! -e "$conf/plugins" ] || fail "a user plugin folder exists: the system one was not what OBS loaded"
grep -iE 'obs-bgm.*(error|failed)' /tmp/check/obs.log && fail "the plugin logged an error"
pass "$(grep -m1 -o 'OBS [0-9][0-9.]*[^ ]* (linux)' /tmp/check/obs.log || echo OBS) loaded obs-bgm.so from /usr/lib/$multiarch/obs-plugins: $(grep -m1 -o '\[obs-bgm\] loaded.*' /tmp/check/obs.log)"

# The render server's unit, and the server itself as the unit runs it (no systemd is running in this root).
systemd-analyze verify "$unit" >/tmp/check/verify.log 2>&1 || { cat /tmp/check/verify.log; fail "systemd-analyze verify $unit"; }
[ ! -e /etc/systemd/system/multi-user.target.wants/obs-bgm.service ] || fail "the service is enabled on install"
pass "systemd-analyze verify $unit: clean; the service is installed disabled"
port=$((20000 + RANDOM % 20000))
runuser -u obs-bgm -- obs-bgm serve --data /var/lib/obs-bgm --listen "127.0.0.1:$port" >/tmp/check/serve.log 2>&1 &
serve=$!
code=000
for _ in $(seq 1 40); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/credits/balance/simple" || true)
  [ "$code" != 000 ] && break
  sleep 0.25
done
kill -TERM "$serve"
wait "$serve" || true
[ "$code" = 401 ] || { cat /tmp/check/serve.log; fail "the render server answered $code to a call without a token (401 expected)"; }
[ -z "$(find /var/lib/obs-bgm -mindepth 1 ! -user obs-bgm)" ] || fail "the server left files not its own in /var/lib/obs-bgm"
pass "obs-bgm serve as the obs-bgm user on loopback: a call without a token gets 401; its data stays in /var/lib/obs-bgm"

# 3. Removing it removes every file it installed; purging removes its settings and data.
installed_files=$(while read -r f; do [ -f "$f" ] && [ "$f" != /etc/default/obs-bgm ] && echo "$f"; done < /tmp/check/files | wc -l)
apt-get remove -y -qq obs-bgm >/tmp/check/remove.log 2>&1 || { cat /tmp/check/remove.log; fail "apt-get remove"; }
left=$(while read -r f; do [ -f "$f" ] && [ "$f" != /etc/default/obs-bgm ] && echo "$f"; done < /tmp/check/files || true)
[ -z "$left" ] || fail "files left after remove: $left"
[ -f /etc/default/obs-bgm ] || fail "remove took the conffile (only purge should)"
apt-get purge -y -qq obs-bgm >>/tmp/check/remove.log 2>&1 || { cat /tmp/check/remove.log; fail "apt-get purge"; }
[ ! -e /etc/default/obs-bgm ] && [ ! -e /var/lib/obs-bgm ] || fail "purge left /etc/default/obs-bgm or /var/lib/obs-bgm"
pass "apt-get remove removed the $installed_files files it installed (the conffile /etc/default/obs-bgm stays); purge removed that and /var/lib/obs-bgm"
echo "package checks: $passed passed, 0 failed"
