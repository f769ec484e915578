#include "audio/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace bgm {

struct LoudnessMeter::Impl {
  ebur128_state* state = nullptr;
  bool true_peak = false;
  ~Impl() {
    if (state) ebur128_destroy(&state);
  }
};

LoudnessMeter::LoudnessMeter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;
LoudnessMeter::~LoudnessMeter() = default;

Result<LoudnessMeter> LoudnessMeter::create(int sample_rate, bool with_true_peak, bool with_range) {
  int mode = EBUR128_MODE_I;
  if (with_true_peak) mode |= EBUR128_MODE_TRUE_PEAK;
  if (with_range) mode |= EBUR128_MODE_LRA;
  auto impl = std::make_unique<Impl>();
  impl->state = ebur128_init(2, static_cast<unsigned long>(sample_rate), mode);
  if (!impl->state) return make_error(ErrorCode::kInternal, "libebur128 could not start a loudness meter.");
  impl->true_peak = with_true_peak;
  return LoudnessMeter(std::move(impl));
}

void LoudnessMeter::add(const AudioBuffer& audio, size_t from, size_t count) {
  constexpr size_t kChunk = 8192;
  std::vector<float> interleaved(kChunk * 2);
  const size_t end = std::min(audio.frames(), count == SIZE_MAX ? audio.frames() : from + count);
  for (size_t pos = from; pos < end; pos += kChunk) {
    const size_t n = std::min(kChunk, end - pos);
    for (size_t i = 0; i < n; ++i) {
      interleaved[2 * i] = audio.left[pos + i];
      interleaved[2 * i + 1] = audio.right[pos + i];
    }
    ebur128_add_frames_float(impl_->state, interleaved.data(), n);
  }
}

double LoudnessMeter::integrated_lufs() const {
  double out = -HUGE_VAL;
  if (ebur128_loudness_global(impl_->state, &out) != EBUR128_SUCCESS) return -HUGE_VAL;
  return out;
}

double LoudnessMeter::true_peak_dbtp() const {
  double peak = 0;
  for (unsigned ch = 0; ch < 2; ++ch) {
    double p = 0;
    if (ebur128_true_peak(impl_->state, ch, &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
  }
  return gain_to_db(peak);
}

double LoudnessMeter::loudness_range_lu() const {
  double out = 0;
  ebur128_loudness_range(impl_->state, &out);
  return out;
}

Result<LoudnessReport> measure_loudness(const AudioBuffer& audio) {
  auto meter = LoudnessMeter::create(audio.sample_rate, true);
  if (!meter) return meter.error();
  meter->add(audio);
  LoudnessReport r;
  r.integrated_lufs = meter->integrated_lufs();
  r.true_peak_dbtp = meter->true_peak_dbtp();
  float peak = 0;
  for (float s : audio.left) peak = std::max(peak, std::fabs(s));
  for (float s : audio.right) peak = std::max(peak, std::fabs(s));
  r.sample_peak_dbfs = gain_to_db(peak);
  return r;
}

double integrated_lufs(const AudioBuffer& audio) {
  auto meter = LoudnessMeter::create(audio.sample_rate, false);
  if (!meter) return -HUGE_VAL;
  meter->add(audio);
  return meter->integrated_lufs();
}

double db_to_gain(double db) { return std::pow(10.0, db / 20.0); }
double gain_to_db(double gain) { return gain > 0 ? 20.0 * std::log10(gain) : -HUGE_VAL; }

}  // namespace bgm
