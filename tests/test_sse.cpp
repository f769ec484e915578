// The SSE parser fed the way a network delivers: split anywhere, CRLF or lone CR, comments as heartbeats.
#include <gtest/gtest.h>

#include "http/sse_parser.h"

namespace bgm {
namespace {

struct Seen {
  std::vector<SseEvent> events;
  int beats = 0;
  SseParser parser{[this](const SseEvent& e) { return events.push_back(e), true; }, [this] { ++beats; }};
};

TEST(Sse, EventsSplitAtEveryByteComeOutWhole) {
  const std::string stream = "data: {\"a\":1}\n\n: heartbeat\n\ndata: line one\ndata: line two\nid: 7\n\ndata:\n\nevent: done\ndata: x\r\n\r\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    Seen s;
    s.parser.feed(stream.substr(0, cut));
    s.parser.feed(stream.substr(cut));
    ASSERT_EQ(s.events.size(), 3u) << cut;
    EXPECT_EQ(s.events[0].data, "{\"a\":1}");
    EXPECT_EQ(s.events[1].data, "line one\nline two");
    EXPECT_EQ(s.events[1].id, "7");
    EXPECT_EQ(s.events[2].event, "done");
    EXPECT_EQ(s.beats, 2) << "a comment and an empty data event";
    EXPECT_EQ(s.parser.last_event_id(), "7");
  }
}

TEST(Sse, LoneCarriageReturnsEndLines) {
  Seen s;
  s.parser.feed("data: a\r\rdata: b\r\r");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[1].data, "b");
}

TEST(Sse, ACallbackCanStopTheStream) {
  SseParser p([](const SseEvent&) { return false; }, nullptr);
  EXPECT_FALSE(p.feed("data: 1\n\ndata: 2\n\n"));
}

}  // namespace
}  // namespace bgm
