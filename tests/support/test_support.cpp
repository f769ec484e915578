#include "support/test_support.h"

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "media/audio_decoder.h"

namespace bgm::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("obs-bgm-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& file) {
  std::ifstream f(file, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult run(const std::string& command_line) {
  TempDir tmp;
  const fs::path out = tmp / "out", err = tmp / "err";
  const std::string full = "(" + command_line + ") >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string cli_path() { return OBS_BGM_CLI_PATH; }

std::string doc_block(const std::string& page, const std::string& marker) {
  const std::string text = read_file(fs::path(OBS_BGM_SOURCE_DIR) / "docs" / page);
  const auto at = text.find(marker);
  const auto open = at == std::string::npos ? at : text.find("```", at);
  const auto body = open == std::string::npos ? open : text.find('\n', open);
  const auto close = body == std::string::npos ? body : text.find("\n```", body);
  if (close == std::string::npos) return {};
  return text.substr(body + 1, close - body);
}

double ffprobe_duration(const fs::path& file) {
  return std::atof(run("ffprobe -v error -show_entries format=duration -of csv=p=0 " + quote(file.string())).out.c_str());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}
CommandResult run_cli(const std::string& args) { return run(quote(cli_path()) + " " + args); }

FfmpegLoudness ffmpeg_loudness(const fs::path& file) {
  const auto r = run("ffmpeg -hide_banner -nostats -i " + quote(file) + " -af ebur128=peak=true -f null - 2>&1");
  // The filter's summary, wherever FFmpeg puts it among its closing lines (FFmpeg 7 adds more after it).
  const auto at = r.out.rfind("Summary:");
  const std::string summary = at == std::string::npos ? r.out : r.out.substr(at);
  FfmpegLoudness l;
  std::smatch m;
  static const std::regex i_re(R"(I:\s+(-?[0-9.]+) LUFS)");
  static const std::regex tp_re(R"(Peak:\s+(-?[0-9.]+|-inf) dBFS)");
  if (std::regex_search(summary, m, i_re)) l.integrated_lufs = std::stod(m[1]);
  else ADD_FAILURE() << "no loudness in: " << summary;
  if (std::regex_search(summary, m, tp_re)) l.true_peak_dbtp = m[1] == "-inf" ? -HUGE_VAL : std::stod(m[1]);
  else ADD_FAILURE() << "no true peak in: " << summary;
  return l;
}

long long decoded_samples(const fs::path& file) {
  const auto r = run("ffmpeg -hide_banner -nostats -v error -i " + quote(file) + " -f s16le -ac 1 -ar 48000 - | wc -c");
  return std::stoll(r.out) / 2;
}

AudioBuffer decode(const fs::path& file) {
  auto a = read_audio_file(file);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return a.ok() ? std::move(a).value() : AudioBuffer{};
}

SmallDisk::SmallDisk(const fs::path& dir, const std::string& size) : dir_(dir) {
  fs::create_directories(dir_);
  mounted_ = run("mount -t tmpfs -o size=" + size + " tmpfs " + quote(dir_)).exit_code == 0;
}

SmallDisk::~SmallDisk() {
  if (mounted_) run("umount " + quote(dir_));
}

double rms_db(const AudioBuffer& a, size_t from, size_t count) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = from; i < std::min(a.frames(), from + count); ++i, ++n) sum += a.left[i] * a.left[i] + a.right[i] * a.right[i];
  if (n == 0 || sum == 0) return -200;
  return 10 * std::log10(sum / (2.0 * static_cast<double>(n)));
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double resident_mb(int pid) {
  std::ifstream statm(pid ? "/proc/" + std::to_string(pid) + "/statm" : std::string("/proc/self/statm"));
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

std::filesystem::path cached_media(const std::string& recipe, const std::function<bool(const std::filesystem::path& dir)>& make) {
  namespace fs = std::filesystem;
  const fs::path root = OBS_BGM_TEST_MEDIA_DIR;
  const fs::path done = root / std::to_string(std::hash<std::string>{}(recipe));
  std::error_code ec;
  if (fs::is_directory(done, ec)) return done;
  fs::create_directories(root, ec);
  const fs::path making = root / (done.filename().string() + ".making-" + std::to_string(::getpid()));
  fs::remove_all(making, ec);
  fs::create_directories(making, ec);
  if (!make(making)) {
    fs::remove_all(making, ec);
    return {};
  }
  fs::rename(making, done, ec);  // another process may have finished first: its copy is as good
  if (ec) fs::remove_all(making, ec);
  return fs::is_directory(done, ec) ? done : fs::path();
}

}  // namespace bgm::test
