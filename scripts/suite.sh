#!/usr/bin/env bash
# The suite on this machine: install what is needed, build (build/), run every test with CTest, the real OBS under
# Xvfb included. Each run's CTest lines go to build/test-summary.log (or OBS_BGM_TEST_SUMMARY).
# OBS_BGM_SUITE_PLAIN_ONLY=1 (test.sh): only the tests the sanitizer run does not take (scripts/lib/test-order.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
. "$root/scripts/lib/test-order.sh"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
summary="${OBS_BGM_TEST_SUMMARY:-$root/build/test-summary.log}"
seed_test_order "$root/build"
echo "== the suite on Debian $(debian_codename) ($(cat /etc/debian_version)), $(obs --version 2>/dev/null | head -n 1)"
only=()
if [ "${OBS_BGM_SUITE_PLAIN_ONLY:-0}" = 1 ]; then
  # test.sh runs every other test under ASan + UBSan next (scripts/check-reliability.sh).
  only=(-R "$OBS_BGM_PLUGIN_TESTS|$OBS_BGM_MEASURING_TESTS")
  echo "== (the tests that run under ASan + UBSan next are left to that run)"
fi
(cd "$root/build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600 "${only[@]}") 2>&1 | tee -a "$summary"
