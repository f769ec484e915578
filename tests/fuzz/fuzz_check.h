#pragma once
// What a fuzz target asserts: an invariant that does not hold aborts with the reason (libFuzzer then keeps the
// input as a crash). Used by the targets in this folder only.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
