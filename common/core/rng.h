#pragma once
// A small deterministic random generator (SplitMix64 seeding a xoshiro256**).
// Unlike std:: distributions its results are identical on every compiler and platform,
// which the "same seed, bit-identical output" promise needs.
// Thread: an Rng is a value; use one per thread.

#include <cstdint>
#include <string_view>
#include <vector>

namespace bgm {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t next_u64();
  // Uniform in [0, 1).
  double uniform();
  // Uniform in [lo, hi].
  int range(int lo, int hi);
  // True with probability p.
  bool chance(double p);
  // Index drawn with the given non-negative weights (at least one must be > 0).
  size_t weighted(const std::vector<double>& weights);
  // A child generator for an independent stream (e.g. one per part), stable under changes elsewhere.
  Rng fork(std::string_view label) const;

 private:
  uint64_t s_[4];
};

// FNV-1a: a stable hash for deriving seeds from names.
uint64_t stable_hash(std::string_view text);

}  // namespace bgm
