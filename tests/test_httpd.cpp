// The HTTP front's parsers on their own: a multipart body read in pieces of any size gives the same parts and bytes
// as read whole, malformed bodies are refused, and the one byte range a download asks for is read as RFC 9110 says.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "httpd/byte_range.h"
#include "httpd/multipart.h"

namespace bgm::httpd {
namespace {

struct Read {
  std::vector<MultipartPart> parts;
  std::vector<std::string> data;
  bool ok = true, finished = false;
};

Read read_in_pieces(const std::string& boundary, const std::string& body, size_t piece) {
  Read r;
  MultipartReader reader(
      boundary, [&](const MultipartPart& p) { return r.parts.push_back(p), r.data.emplace_back(), true; },
      [&](std::string_view bytes) { return r.data.back().append(bytes), true; });
  for (size_t at = 0; at < body.size() && r.ok; at += piece) r.ok = reader.feed(std::string_view(body).substr(at, piece));
  r.finished = reader.finished();
  return r;
}

const std::string kBody =
    "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a b.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
    "first file\r\n--XyA is not the boundary\r\n--X\r\n"
    "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ--\r\nepilogue";

TEST(Multipart, AnySplitGivesTheSamePartsAndBytes) {
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, kBody.size()}) {
    const Read r = read_in_pieces("XyZ", kBody, piece);
    ASSERT_TRUE(r.ok) << piece;
    EXPECT_TRUE(r.finished) << piece;
    ASSERT_EQ(r.parts.size(), 2u) << piece;
    EXPECT_EQ(r.parts[0].name, "files");
    EXPECT_EQ(r.parts[0].filename, "a b.mp4");
    EXPECT_EQ(r.parts[0].content_type, "video/mp4");
    EXPECT_EQ(r.data[0], "first file\r\n--XyA is not the boundary\r\n--X\r\n") << piece;
    EXPECT_EQ(r.parts[1].name, "note");
    EXPECT_EQ(r.data[1], "hello");
  }
}

TEST(Multipart, TheBoundaryComesFromTheContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_FALSE(multipart_boundary("application/json"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
}

TEST(Multipart, MalformedBodiesAreRefusedWithoutHoldingThem) {
  // Headers that never end: refused at 8 KB, not held.
  const std::string endless = "--XyZ\r\nX-Pad: " + std::string(20000, 'p');
  Read r = read_in_pieces("XyZ", endless, 1000);
  EXPECT_FALSE(r.ok);
  // No boundary at all: a preamble, read and dropped as it comes, and no part: the caller refuses it.
  r = read_in_pieces("XyZ", std::string(20000, 'n'), 512);
  EXPECT_TRUE(r.parts.empty());
  EXPECT_FALSE(r.finished);
  // A boundary followed by something that is neither a part nor the end.
  r = read_in_pieces("XyZ", "--XyZ-ish\r\n", 4);
  EXPECT_FALSE(r.ok);
  // Cut before the closing boundary: read, but not finished (the caller refuses it).
  r = read_in_pieces("XyZ", kBody.substr(0, 120), 16);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.finished);
}

TEST(ByteRange, OneRangeIsServedAndTheRestIsTheWholeFile) {
  auto r = parse_byte_range("bytes=100-", 1000);
  ASSERT_TRUE(r.range);
  EXPECT_EQ(r.range->first, 100u);
  EXPECT_EQ(r.range->last, 999u);
  r = parse_byte_range("bytes=100-5000", 1000);
  EXPECT_EQ(r.range->last, 999u);
  r = parse_byte_range("bytes=-200", 1000);
  EXPECT_EQ(r.range->first, 800u);
  EXPECT_TRUE(parse_byte_range("bytes=1000-", 1000).unsatisfiable);
  for (const char* whole : {"", "bytes=0-1,5-9", "items=0-5", "bytes=9-5", "bytes=abc-", "bytes=99999999999999999999-"}) {
    r = parse_byte_range(whole, 1000);
    EXPECT_FALSE(r.range) << whole;
    EXPECT_FALSE(r.unsatisfiable) << whole;
  }
}

}  // namespace
}  // namespace bgm::httpd
