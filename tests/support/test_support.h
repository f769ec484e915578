#pragma once
// Helpers shared by the tests: temporary folders, running the obs-bgm tool, and measurements taken with
// independent tools (FFmpeg's ebur128 filter, ffprobe) so the engine is not its own judge.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

// Whether this build runs under AddressSanitizer (which keeps freed memory in quarantine, 256 MB by default, and
// reserves terabytes of address space): memory figures and address-space limits mean something else there.
#if defined(__SANITIZE_ADDRESS__)
#define OBS_BGM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBS_BGM_UNDER_ASAN 1
#endif
#endif
#ifndef OBS_BGM_UNDER_ASAN
#define OBS_BGM_UNDER_ASAN 0
#endif

namespace bgm::test {

inline constexpr bool kUnderAsan = OBS_BGM_UNDER_ASAN != 0;

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line; standard output and error are captured separately (neither is a terminal).
CommandResult run(const std::string& command_line);
// Runs the obs-bgm tool with the given arguments (already shell-quoted as needed).
CommandResult run_cli(const std::string& args);
// Where the obs-bgm tool under test is.
std::string cli_path();
// The text of the fenced block (```) that follows `marker` in docs/<page>, as the tests run what the docs show;
// "" when the page or the marker is missing.
std::string doc_block(const std::string& page, const std::string& marker);
// A media file's length in seconds as ffprobe reads its container (0 when it cannot).
double ffprobe_duration(const std::filesystem::path& file);
// The value at fraction `p` (0..1) of the sorted values, nearest rank; 0 when there are none (latency figures).
double percentile(std::vector<double> values, double p);
// A loopback TCP port that was free a moment ago (for a program that takes its port on the command line).
int free_loopback_port();
std::string quote(const std::string& s);

struct FfmpegLoudness {
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
};
// Integrated loudness and true peak as FFmpeg's ebur128 filter measures them.
FfmpegLoudness ffmpeg_loudness(const std::filesystem::path& file);
// Duration of the first audio stream in samples, as ffprobe reports it after decoding (-count_packets is not
// enough for lossy codecs): decodes with ffmpeg to raw and counts.
long long decoded_samples(const std::filesystem::path& file);

// The audio of a file, decoded by the project's decoder.
AudioBuffer decode(const std::filesystem::path& file);

double rms_db(const AudioBuffer& a, size_t from, size_t count);

// A tiny tmpfs mounted at `dir` for full-disk tests (needs root; mounted() says whether it worked), unmounted
// when it goes out of scope.
class SmallDisk {
 public:
  SmallDisk(const std::filesystem::path& dir, const std::string& size);
  ~SmallDisk();
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};
std::string read_file(const std::filesystem::path& file);

// Media made once for the whole suite (each test runs in its own process): the folder for `recipe` (any text that
// changes when what is made changes) under the build tree, made by `make` into a fresh folder and renamed into
// place whole, so a test never sees half of it and two processes making it at once agree. Empty on failure.
std::filesystem::path cached_media(const std::string& recipe, const std::function<bool(const std::filesystem::path& dir)>& make);
// The CPU time this process has used so far (user + system), in seconds: for benchmarks.
double process_cpu_seconds();
// The resident memory of process `pid` (0: this one) now, in MB (/proc/PID/statm): for benchmarks and memory bounds.
double resident_mb(int pid = 0);

}  // namespace bgm::test
