#pragma once
// A second-order IIR section (RBJ's audio-EQ cookbook), transposed direct form II in double precision.
// Thread: a Biquad holds its own state; one thread at a time.

#include <cmath>

namespace bgm {

struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
  double z1 = 0, z2 = 0;

  // Butterworth at q = 1/sqrt(2); two sections at q 0.5412 and 1.3066 make a fourth-order Butterworth.
  static Biquad high_pass(double hz, double rate, double q = M_SQRT1_2) { return make(true, hz, rate, q); }
  static Biquad low_pass(double hz, double rate, double q = M_SQRT1_2) { return make(false, hz, rate, q); }

  double run(double x) {
    const double y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    return y;
  }
  void reset() { z1 = z2 = 0; }

 private:
  static Biquad make(bool high, double hz, double rate, double q) {
    const double w = 2 * M_PI * hz / rate, c = std::cos(w), alpha = std::sin(w) / (2 * q);
    const double a0 = 1 + alpha;
    Biquad f;
    const double edge = high ? (1 + c) / 2 : (1 - c) / 2;
    f.b0 = edge / a0;
    f.b1 = (high ? -(1 + c) : 1 - c) / a0;
    f.b2 = edge / a0;
    f.a1 = -2 * c / a0;
    f.a2 = (1 - alpha) / a0;
    return f;
  }
};

}  // namespace bgm
