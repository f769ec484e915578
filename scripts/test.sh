#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is needed, build, run every test with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
# The plugin must also compile and link against Qt 6 (upstream OBS 30+ uses it); Debian's OBS 29 loads the Qt 5 build.
# Nothing runs from this tree, so it builds unoptimised and without debug info (a third of the optimised build's time).
cmake -S "$root" -B "$root/build-qt6" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0" "-DCMAKE_C_FLAGS_DEBUG=-O0" \
  -DOBS_BGM_QT_MAJOR=6 -DOBS_BGM_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build-qt6" --target obs_bgm_plugin --parallel "$(nproc)"
summary="$root/build/test-summary.log"
: > "$summary"
(cd "$root/build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600) 2>&1 | tee -a "$summary"
# Then the reliability checks: the suite under ASan + UBSan, the fuzz targets, the threaded tests under TSan.
OBS_BGM_TEST_SUMMARY="$summary" "$root/scripts/check-reliability.sh"
# Reached only when everything passed (any failure stops the script): one line for all of it.
tests=$(grep -o 'tests failed out of [0-9]*' "$summary" | awk '{n += $5} END {print n + 0}')
fuzzers=$(grep -c '^fuzz_.*no failure$' "$summary" || true)
echo "all checks: $((tests + fuzzers)) passed, 0 failed"
