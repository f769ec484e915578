# Sourced by the scripts that run CTest. On a fresh build CTest knows no test's length and starts them in the order
# they were defined, so a two-minute test can start last and leave one core working alone at the end. CTest keeps
# what each test took in Testing/Temporary/CTestCostData.txt and starts the longest first; a fresh build gets the
# lengths measured here (tests/ctest-cost-data.txt, seconds on two cores; refresh it from a build's own file when the
# suite changes much). A build that has run before keeps its own.
#   seed_test_order BUILD_DIR
seed_test_order() {
  local costs="$1/Testing/Temporary/CTestCostData.txt"
  local src
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/ctest-cost-data.txt"
  [ -s "$costs" ] && return 0
  mkdir -p "$(dirname "$costs")"
  cp "$src" "$costs"
}

# Which tests run where when test.sh runs both the plain suite and the sanitizer suite on one release:
#   - the sanitizer build (check-reliability.sh) has no OBS plugin, so the tests of the plugin in OBS and libobs run
#     only in the plain build;
#   - the tests that repeat one path many times to measure its output (36 pieces rendered for the mix, every style
#     again, every platform's file) take four times as long under the sanitizers without reaching more code: they
#     run only in the plain build.
# Every other test runs under ASan + UBSan there, and the plain suite leaves it to that run (test.sh sets
# OBS_BGM_SUITE_PLAIN_ONLY=1); alone, suite.sh runs everything. The other release runs its whole suite plainly.
OBS_BGM_PLUGIN_TESTS="^(Obs|LibObs|DockLayout)"
OBS_BGM_MEASURING_TESTS="MixQuality|StyleIdentity|Render.NoStyleIsSquashedOrPumped|Exports.EveryPresetsFileIsWhatItsPlatformAsksFor"
