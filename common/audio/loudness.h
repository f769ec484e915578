#pragma once
// Loudness per EBU R 128 / ITU-R BS.1770 with libebur128: integrated loudness, loudness range, true peak.
// Thread: a LoudnessMeter belongs to one thread; the free functions may run on any thread.

#include <memory>

#include "audio/audio_buffer.h"
#include "core/result.h"

namespace bgm {

class LoudnessMeter {
 public:
  // Errors: kInternal if libebur128 cannot allocate.
  static Result<LoudnessMeter> create(int sample_rate, bool with_true_peak, bool with_range = false);
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;
  ~LoudnessMeter();

  void add(const AudioBuffer& audio, size_t from = 0, size_t count = SIZE_MAX);
  double integrated_lufs() const;   // -inf (HUGE_VAL negative) for silence
  double true_peak_dbtp() const;    // only when created with_true_peak
  double loudness_range_lu() const; // only when created with_range

 private:
  struct Impl;
  explicit LoudnessMeter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct LoudnessReport {
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
  double sample_peak_dbfs = 0;
};

// Integrated loudness, true peak and sample peak of a whole buffer.
Result<LoudnessReport> measure_loudness(const AudioBuffer& audio);
double integrated_lufs(const AudioBuffer& audio);

double db_to_gain(double db);
double gain_to_db(double gain);

}  // namespace bgm
