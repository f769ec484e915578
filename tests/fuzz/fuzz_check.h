#pragma once
// What a fuzz target asserts: an invariant that does not hold aborts with the reason (libFuzzer then keeps the
// input as a crash); and the hostile numbers the targets feed in. Used by the targets in this folder only.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

// A double as a broken file or a careless caller gives it: NaN, infinities, huge, or anything.
inline double hostile_double(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 6)) {
    case 0: return std::nan("");
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return 1e308;
    case 4: return -1e300;
    case 5: return in.ConsumeFloatingPointInRange(-10.0, 4000.0);
    default: return in.ConsumeFloatingPoint<double>();
  }
}

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
