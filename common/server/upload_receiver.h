#pragma once
// A multipart upload written to part files as it arrives: each "files" field to `<prefix><n>`, at most 16 files
// of at most `max_file_bytes` each; other fields are ignored. Whatever it wrote is removed when it is destroyed,
// unless taken.
// Thread: one receiver per request, fed from the connection's thread.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "httpd/multipart.h"

namespace bgm {

class UploadReceiver {
 public:
  enum class Outcome { kOk, kTooBig, kTooMany, kWriteFailed, kMalformed };

  UploadReceiver(const std::string& boundary, std::filesystem::path prefix, uint64_t max_file_bytes);
  ~UploadReceiver();
  UploadReceiver(const UploadReceiver&) = delete;
  UploadReceiver& operator=(const UploadReceiver&) = delete;

  // False once it stopped: outcome() says why.
  bool feed(std::string_view bytes);
  // At the body's end: kOk when the body was whole (its closing boundary came).
  Outcome finish();
  Outcome outcome() const { return outcome_; }
  // The files written (path, the name the client gave), handed over: no longer removed by this receiver.
  std::vector<std::pair<std::filesystem::path, std::string>> take_files();

 private:
  void close_file();
  std::filesystem::path prefix_;
  uint64_t max_;
  httpd::MultipartReader reader_;
  std::unique_ptr<FILE, int (*)(FILE*)> out_{nullptr, &std::fclose};
  uint64_t written_ = 0;
  Outcome outcome_ = Outcome::kOk;
  std::vector<std::pair<std::filesystem::path, std::string>> files_;
};

}  // namespace bgm
