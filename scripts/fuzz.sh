#!/usr/bin/env bash
# Runs every libFuzzer target: first its whole seed corpus (a regression test: every input once), then fuzzing for
# SECONDS (default 20) with ASan and UBSan watching. New inputs go to a scratch folder, never into the repository;
# a crash stops the script with the input saved as build-fuzz/crash-<target>-*: copy it into
# tests/fuzz/corpus/<target>/ with the fix. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (build: see below)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
seconds="${1:-20}"
shift || true
build="${OBS_BGM_FUZZ_BUILD:-$root/build-fuzz}"
if [ ! -x "$build/tests/fuzz/fuzz_prompt" ]; then
  llvm=$(llvm_version)
  CC="clang-$llvm" CXX="clang++-$llvm" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOBS_BGM_BUILD_PLUGIN=OFF \
    -DOBS_BGM_SANITIZE=address,undefined -DOBS_BGM_FUZZ=ON >/dev/null
  cmake --build "$build" --target fuzzers --parallel "$(nproc)"
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(prompt spec analysis features stores cli_args smf media draft agent sse nemo_turn json_read multipart)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Each target runs on one core: as many run at once as there are cores, each writing its line to its own file; the
# lines are printed in the targets' order when all have ended.
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
fuzz_target() {
  local t=$1 bin="$build/tests/fuzz/fuzz_$1" corpus="$root/tests/fuzz/corpus/$1" scratch n runs
  scratch=$(mktemp -d)
  n=$(find "$corpus" -type f | wc -l)
  # The corpus, every input once.
  "$bin" -runs=0 -timeout=10 -rss_limit_mb=1024 "$corpus" > "$scratch/regression.log" 2>&1 || {
    cat "$scratch/regression.log"; echo "fuzz.sh: fuzz_$t failed on its corpus"; return 1; }
  # Then new inputs for a while.
  if ! "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$build/crash-$t-" \
      "$scratch" "$corpus" > "$scratch/fuzz.log" 2>&1; then
    tail -n 60 "$scratch/fuzz.log"; echo "fuzz.sh: fuzz_$t found a failure (input saved under $build/crash-$t-*)"; return 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/fuzz.log" | grep -o '[0-9]*$' || echo 0)
  echo "fuzz_$t: corpus $n inputs ok, $runs executions in ${seconds} s, no failure" > "$results/$t"
  rm -rf "$scratch"
}
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$(nproc)" ]; then
    wait -n || { wait; exit 1; }
    running=$((running - 1))
  fi
  fuzz_target "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || { wait; exit 1; }
  running=$((running - 1))
done
for t in "${targets[@]}"; do cat "$results/$t"; done
