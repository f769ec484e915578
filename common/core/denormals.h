#pragma once
// Denormal numbers flushed to zero for the life of a scope. A recursive filter (K-weighting, the speech band, a
// compressor's envelope) fed silence decays into denormals, which x86 computes 30-40 times slower: a recording with
// quiet stretches made the loudness pass 37x slower than the same pass over sound. The mode is the calling
// thread's, saved and put back on exit, so a pass called on a thread we do not own (OBS's audio thread) leaves it
// as it found it.
// Thread: the scope's thread.

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace bgm {

class FlushDenormals {
 public:
#if defined(__SSE__) || defined(__x86_64__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushDenormals() { _mm_setcsr(saved_); }

 private:
  static constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
  unsigned saved_;
#elif defined(__aarch64__)
  FlushDenormals() {
    __asm__ volatile("mrs %0, fpcr" : "=r"(saved_));
    const unsigned long flushed = saved_ | (1ul << 24);  // FZ
    __asm__ volatile("msr fpcr, %0" : : "r"(flushed));
  }
  ~FlushDenormals() { __asm__ volatile("msr fpcr, %0" : : "r"(saved_)); }

 private:
  unsigned long saved_ = 0;
#else
  FlushDenormals() = default;
#endif
 public:
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;
};

}  // namespace bgm
