#pragma once
// A multipart/form-data body read as it arrives, in pieces of any size: each part's headers, then its bytes,
// never more than a part header (8 KB) and one boundary's length held. For uploads streamed to disk.
// Thread: one reader per body; not shared.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bgm::httpd {

struct MultipartPart {
  std::string name, filename, content_type;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type; nullopt when it is not one.
std::optional<std::string> multipart_boundary(std::string_view content_type);

class MultipartReader {
 public:
  using PartFn = std::function<bool(const MultipartPart& part)>;   // false: stop
  using DataFn = std::function<bool(std::string_view bytes)>;      // the current part's bytes; false: stop

  MultipartReader(std::string boundary, PartFn on_part, DataFn on_data);
  // False when the body is malformed (error() says how) or a callback stopped it.
  bool feed(std::string_view bytes);
  // The closing boundary came.
  bool finished() const { return state_ == State::kDone; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kPreamble, kHeaders, kData, kAfterBoundary, kDone, kFailed };
  bool fail(std::string why);
  bool parse_headers(std::string_view block);

  std::string delimiter_;  // "\r\n--" + boundary
  PartFn on_part_;
  DataFn on_data_;
  State state_ = State::kPreamble;
  std::string buf_;
  std::string error_;
};

}  // namespace bgm::httpd
