#!/usr/bin/env bash
# The reliability checks CI runs after the normal suite (see RELIABILITY.md):
#   1. ASan + UBSan (clang, the code also instrumented for libFuzzer): the whole common/ and jobs suite, where any
#      report fails the test (the obs-bgm tool the tests run is instrumented too);
#   2. every libFuzzer target on its seed corpus, then fuzzing for OBS_BGM_FUZZ_SECONDS each (default 20);
#   3. TSan: the threaded tests (job runner, serial worker, recording clock, the work queue, the render queue's pumps and leases, the HTTP front).
# Usage: scripts/check-reliability.sh   (after scripts/install-deps.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
. "$root/scripts/lib/test-order.sh"
llvm=$(llvm_version)  # clang 14 on Debian 12, 19 on Debian 13
summary="${OBS_BGM_TEST_SUMMARY:-/dev/null}"  # test.sh collects the results of every run here
jobs=$(nproc)
# Instrumented builds at -O1 with line tables: about twice as quick to build as -O2 -g, the same reports.
fast=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1"
      -DOBS_BGM_BUILD_PLUGIN=OFF)

echo "== ASan + UBSan: building (clang $llvm)"
CC="clang-$llvm" CXX="clang++-$llvm" cmake -S "$root" -B "$root/build-fuzz" -G Ninja "${fast[@]}" \
  -DOBS_BGM_SANITIZE=address,undefined -DOBS_BGM_FUZZ=ON >/dev/null
cmake --build "$root/build-fuzz" --parallel "$jobs" --target obs_bgm_tests obs_bgm_session_tests obs_bgm_serve_tests obs_bgm_scale_out_tests obs_bgm_nemo_tests obs_bgm_thread_tests obs-bgm fuzzers
# A test program left out of the list above would be skipped silently (CTest names it *_NOT_BUILT): refuse that.
unbuilt=$(cd "$root/build-fuzz" && ctest -N -R _NOT_BUILT | grep -oE "obs_bgm_[a-z_]+_NOT_BUILT" | sort -u || true)
if [ -n "$unbuilt" ]; then
  echo "check-reliability: not built under ASan, so not run: $unbuilt. Add them to the --target list." >&2
  exit 1
fi
echo "== ASan + UBSan: the suite"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The measuring tests are left to the plain suite (scripts/lib/test-order.sh says why); the plugin's are not built.
seed_test_order "$root/build-fuzz"
(cd "$root/build-fuzz" && ctest --output-on-failure --parallel "$jobs" --timeout 900 -E "_NOT_BUILT|$OBS_BGM_MEASURING_TESTS") 2>&1 | tee -a "$summary"

echo "== libFuzzer: each target's corpus, then ${OBS_BGM_FUZZ_SECONDS:-20} s of fuzzing"
OBS_BGM_FUZZ_BUILD="$root/build-fuzz" "$root/scripts/fuzz.sh" "${OBS_BGM_FUZZ_SECONDS:-20}" 2>&1 | tee -a "$summary"

echo "== TSan: the threaded tests"
cmake -S "$root" -B "$root/build-tsan" -G Ninja "${fast[@]}" -DOBS_BGM_SANITIZE=thread >/dev/null
cmake --build "$root/build-tsan" --parallel "$jobs" --target obs_bgm_thread_tests
(cd "$root/build-tsan" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -L threads --repeat until-fail:3) 2>&1 |
  tee -a "$summary"
echo "check-reliability: ASan+UBSan suite, fuzz targets and TSan tests passed."
