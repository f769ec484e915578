// A multipart upload body as any client may send it, cut anywhere: the reader never holds more than a part's
// headers and a boundary, and the bytes it hands out are the same however the body is cut.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "httpd/multipart.h"

namespace {

std::string read(const std::string& body, size_t piece, bool& ok) {
  std::string out;
  bgm::httpd::MultipartReader reader(
      "XyZ", [&](const bgm::httpd::MultipartPart& p) { return out += "|part:" + p.name + "/" + p.filename + "|", true; },
      [&](std::string_view bytes) { return out.append(bytes), true; });
  ok = true;
  for (size_t at = 0; at < body.size() && ok; at += piece) ok = reader.feed(std::string_view(body).substr(at, piece));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t piece = in.ConsumeIntegralInRange<size_t>(1, 4096);
  const std::string body = in.ConsumeRemainingBytesAsString();
  bool ok_whole = false, ok_pieces = false;
  const std::string whole = read(body, body.size() + 1, ok_whole);
  const std::string pieces = read(body, piece, ok_pieces);
  // A refusal may come earlier or later with the cut, but what was handed out before it agrees.
  if (ok_whole && ok_pieces) FUZZ_CHECK(whole == pieces);
  FUZZ_CHECK(whole.size() <= body.size() + 64 * 1024);
  return 0;
}
