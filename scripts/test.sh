#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 or 13 machine (as root or with sudo):
#   1. this release: install what is needed, build, the tests of the plugin in the real OBS under Xvfb and in libobs,
#      and the tests that measure many renders (scripts/lib/test-order.sh);
#   2. the reliability checks: every other test under ASan + UBSan, the fuzz targets, the threaded tests under TSan;
#   3. this release's package, installed and checked in a fresh root (scripts/package.sh, scripts/check-package.sh);
#   4. the other release (Debian 13 from 12, 12 from 13) in a root of its own: its suite with its OBS, its package
#      (scripts/test-release.sh). That root is made while 1-3 run, and kept for the next run where the machine keeps it.
# Each part prints how long it took; the last line counts every check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
this=$(debian_codename)
case "$this" in
  bookworm) other=trixie ;;
  trixie) other=bookworm ;;
  *) other="" ;;
esac
mkdir -p "$root/build"
summary="$root/build/test-summary.log"
: > "$summary"
export OBS_BGM_TEST_SUMMARY="$summary"
timings=()
timed() {
  local what=$1 start=$SECONDS
  shift
  "$@"
  timings+=("$(printf '%-52s %3d min %02d s' "$what" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)))")
  echo "test: ${timings[-1]}"
}

"$root/scripts/install-deps.sh"
# The other release's root (debootstrap and its packages: network and disk more than CPU) is made meanwhile.
prepare_log="$root/build/prepare-$other.log"
if [ -n "$other" ]; then
  "$root/scripts/test-release.sh" --prepare "$other" > "$prepare_log" 2>&1 &
  prepare=$!
fi

# This release's plain suite runs the tests the sanitizer run (next) does not: the plugin in OBS and the measuring
# ones (scripts/lib/test-order.sh); every other test runs there under ASan + UBSan.
timed "suite on Debian $this (plugin, OBS, measuring tests)" env OBS_BGM_SUITE_PLAIN_ONLY=1 "$root/scripts/suite.sh"
timed "ASan + UBSan, fuzzing, TSan on Debian $this" "$root/scripts/check-reliability.sh"
timed "package for Debian $this, checked in a fresh root" bash -o pipefail -c \
  "'$root/scripts/package.sh' && '$root/scripts/check-package.sh' '$this' '$root'/out/obs-bgm_*.deb | tee -a '$summary'"
if [ -n "$other" ]; then
  wait "$prepare" || { cat "$prepare_log"; echo "test: the Debian $other root could not be made (log above)" >&2; exit 1; }
  timed "suite and package on Debian $other (root)" "$root/scripts/test-release.sh" "$other"
else
  echo "test: Debian $this is neither 12 nor 13: no second release is tested from here" | tee -a "$summary"
fi

# Reached only when everything passed (any failure stops the script).
printf '%s\n' "time taken:" "${timings[@]/#/  }"
tests=$(grep -o 'tests failed out of [0-9]*' "$summary" | awk '{n += $5} END {print n + 0}')
fuzzers=$(grep -c 'fuzz_.*no failure$' "$summary" || true)
packages=$(grep -o 'package checks: [0-9]* passed' "$summary" | awk '{n += $3} END {print n + 0}')
# CTest counts a skipped test among those that did not fail and lists it under "The following tests did not run";
# each is named here, and not counted as passed (a skipped test says why in its own output).
skipped=$(grep -E '^(\[[a-z]+\] )?[[:space:]]*[0-9]+ - .+ \(Skipped\)$' "$summary" |
  sed -E 's/^(\[[a-z]+\] )?[[:space:]]*[0-9]+ - (.+) \(Skipped\)$/\1\2/' || true)
nskipped=$(printf '%s' "$skipped" | grep -c . || true)
echo "all checks: $((tests + fuzzers + packages - nskipped)) passed, $nskipped skipped, 0 failed"
if [ "$nskipped" -gt 0 ]; then
  echo "skipped (run the test alone to read why, e.g. ctest --test-dir build -R NAME --output-on-failure):"
  printf '%s\n' "$skipped" | sed 's/^/  /'
fi
