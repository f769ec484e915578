#!/usr/bin/env bash
# The suite on this machine: install what is needed, build (build/), run every test with CTest, the real OBS under
# Xvfb included. Each run's CTest lines go to build/test-summary.log (or OBS_BGM_TEST_SUMMARY).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
. "$root/scripts/lib/test-order.sh"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
summary="${OBS_BGM_TEST_SUMMARY:-$root/build/test-summary.log}"
seed_test_order "$root/build"
echo "== the suite on Debian $(debian_codename) ($(cat /etc/debian_version)), $(obs --version 2>/dev/null | head -n 1)"
(cd "$root/build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600) 2>&1 | tee -a "$summary"
