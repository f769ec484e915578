#include "server/upload_receiver.h"

#include <utility>

namespace bgm {

UploadReceiver::UploadReceiver(const std::string& boundary, std::filesystem::path prefix, uint64_t max_file_bytes)
    : prefix_(std::move(prefix)),
      max_(max_file_bytes),
      reader_(
          boundary,
          [this](const httpd::MultipartPart& part) {
            close_file();
            if (part.name != "files") return true;  // other fields are ignored
            if (files_.size() >= 16) return outcome_ = Outcome::kTooMany, false;
            const std::filesystem::path p = prefix_.string() + std::to_string(files_.size());
            out_.reset(std::fopen(p.c_str(), "wb"));
            if (!out_) return outcome_ = Outcome::kWriteFailed, false;
            files_.emplace_back(p, part.filename.empty() ? "upload" : part.filename.substr(0, 255));
            written_ = 0;
            return true;
          },
          [this](std::string_view bytes) {
            if (!out_) return true;
            written_ += bytes.size();
            if (written_ > max_) return outcome_ = Outcome::kTooBig, false;
            if (std::fwrite(bytes.data(), 1, bytes.size(), out_.get()) != bytes.size()) return outcome_ = Outcome::kWriteFailed, false;
            return true;
          }) {}

UploadReceiver::~UploadReceiver() {
  close_file();
  std::error_code ec;
  for (const auto& f : files_) std::filesystem::remove(f.first, ec);
}

void UploadReceiver::close_file() {
  if (out_ && std::fflush(out_.get()) != 0 && outcome_ == Outcome::kOk) outcome_ = Outcome::kWriteFailed;
  out_.reset();
}

bool UploadReceiver::feed(std::string_view bytes) {
  if (outcome_ != Outcome::kOk) return false;
  if (reader_.feed(bytes)) return true;
  if (outcome_ == Outcome::kOk) outcome_ = Outcome::kMalformed;
  return false;
}

UploadReceiver::Outcome UploadReceiver::finish() {
  close_file();
  if (outcome_ == Outcome::kOk && !reader_.finished()) outcome_ = Outcome::kMalformed;
  return outcome_;
}

std::vector<std::pair<std::filesystem::path, std::string>> UploadReceiver::take_files() { return std::exchange(files_, {}); }

}  // namespace bgm
