#include "httpd/multipart.h"

#include <algorithm>

#include "core/text.h"

namespace bgm::httpd {
namespace {

constexpr size_t kMaxPartHeaders = 8 * 1024;

// The value of `key` in a header's parameters (name="files"; filename="a.mp4"), unquoted.
std::string parameter(std::string_view header, std::string_view key) {
  const std::string low = ascii_lower(header);
  size_t at = 0;
  while ((at = low.find(key, at)) != std::string::npos) {
    const bool starts = at == 0 || low[at - 1] == ';' || low[at - 1] == ' ' || low[at - 1] == '\t';
    size_t eq = at + key.size();
    while (eq < low.size() && low[eq] == ' ') ++eq;
    if (!starts || eq >= low.size() || low[eq] != '=') {
      at += key.size();
      continue;
    }
    std::string_view rest = header.substr(eq + 1);
    rest = trim(rest);
    if (!rest.empty() && rest.front() == '"') {
      std::string value;
      for (size_t i = 1; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value.push_back(rest[i]);
      }
      return value;
    }
    return std::string(trim(rest.substr(0, rest.find(';'))));
  }
  return {};
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  if (ascii_lower(content_type.substr(0, 19)) != "multipart/form-data") return std::nullopt;
  std::string b = parameter(content_type, "boundary");
  if (b.empty() || b.size() > 70) return std::nullopt;  // RFC 2046: 1-70 characters
  return b;
}

MultipartReader::MultipartReader(std::string boundary, PartFn on_part, DataFn on_data)
    : delimiter_("\r\n--" + boundary), on_part_(std::move(on_part)), on_data_(std::move(on_data)) {
  buf_ = "\r\n";  // the first boundary may start the body: seen as a delimiter after an empty preamble
}

bool MultipartReader::fail(std::string why) {
  state_ = State::kFailed;
  error_ = std::move(why);
  buf_.clear();
  return false;
}

bool MultipartReader::parse_headers(std::string_view block) {
  MultipartPart part;
  while (!block.empty()) {
    const size_t end = block.find("\r\n");
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = ascii_lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      part.name = parameter(value, "name");
      part.filename = parameter(value, "filename");
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  return on_part_(part) || fail("");
}

bool MultipartReader::feed(std::string_view bytes) {
  if (state_ == State::kFailed) return false;
  if (state_ == State::kDone) return true;  // the epilogue is ignored
  buf_.append(bytes);
  for (;;) {
    switch (state_) {
      case State::kPreamble: {
        const size_t at = buf_.find(delimiter_);
        if (at == std::string::npos) {
          if (buf_.size() > delimiter_.size()) buf_.erase(0, buf_.size() - delimiter_.size());
          if (buf_.size() > kMaxPartHeaders) return fail("the body does not start with its boundary");
          return true;
        }
        buf_.erase(0, at + delimiter_.size());
        state_ = State::kAfterBoundary;
        break;
      }
      case State::kAfterBoundary:
        if (buf_.size() < 2) return true;
        if (buf_.compare(0, 2, "--") == 0) {
          state_ = State::kDone;
          buf_.clear();
          return true;
        }
        if (buf_.compare(0, 2, "\r\n") != 0) {
          // Transport padding (spaces, tabs) may follow a boundary before its line ends.
          const size_t eol = buf_.find("\r\n");
          if (eol == std::string::npos) return buf_.size() > 64 ? fail("a boundary line is malformed") : true;
          if (buf_.find_first_not_of(" \t") < eol) return fail("a boundary line is malformed");
          buf_.erase(0, eol);
        }
        buf_.erase(0, 2);
        state_ = State::kHeaders;
        break;
      case State::kHeaders: {
        const size_t end = buf_.find("\r\n\r\n");
        if (end == std::string::npos) return buf_.size() > kMaxPartHeaders ? fail("a part's headers are over 8 KB") : true;
        if (end > kMaxPartHeaders) return fail("a part's headers are over 8 KB");
        if (!parse_headers(std::string_view(buf_).substr(0, end))) return false;
        buf_.erase(0, end + 4);
        state_ = State::kData;
        break;
      }
      case State::kData: {
        const size_t at = buf_.find(delimiter_);
        if (at == std::string::npos) {
          // All but what could be the start of a delimiter is the part's.
          const size_t safe = buf_.size() > delimiter_.size() ? buf_.size() - delimiter_.size() : 0;
          if (safe > 0) {
            if (!on_data_(std::string_view(buf_).substr(0, safe))) return fail("");
            buf_.erase(0, safe);
          }
          return true;
        }
        if (at > 0 && !on_data_(std::string_view(buf_).substr(0, at))) return fail("");
        buf_.erase(0, at + delimiter_.size());
        state_ = State::kAfterBoundary;
        break;
      }
      case State::kDone:
      case State::kFailed:
        return state_ == State::kDone;
    }
  }
}

}  // namespace bgm::httpd
