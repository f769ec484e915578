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
