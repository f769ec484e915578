#pragma once
// A service's credits, as its balance shows them. Thread: a plain value.

namespace bgm {

struct Credits {
  double available = 0, frozen = 0, total = 0;
};

}  // namespace bgm
