#pragma once
// A stretch of time in seconds. Thread: a value.

namespace bgm {

struct TimeSpan {
  double start = 0;
  double end = 0;
};

}  // namespace bgm
