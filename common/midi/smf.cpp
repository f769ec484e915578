#include "midi/smf.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "core/atomic_file.h"

namespace bgm {
namespace {

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}
void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put_varlen(std::vector<uint8_t>& out, uint64_t v) {
  uint8_t buf[10];
  int n = 0;
  buf[n++] = v & 0x7F;
  while ((v >>= 7) != 0) buf[n++] = static_cast<uint8_t>((v & 0x7F) | 0x80);
  while (n > 0) out.push_back(buf[--n]);
}

struct TimedEvent {
  int64_t tick;
  int order;  // at equal ticks: setup (0) before note-offs (1) before note-ons (2)
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> make_track(std::vector<TimedEvent> events, int64_t end_tick) {
  std::stable_sort(events.begin(), events.end(), [](const TimedEvent& a, const TimedEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.order < b.order;
  });
  std::vector<uint8_t> body;
  int64_t last = 0;
  for (const auto& e : events) {
    put_varlen(body, static_cast<uint64_t>(e.tick - last));
    body.insert(body.end(), e.bytes.begin(), e.bytes.end());
    last = e.tick;
  }
  put_varlen(body, static_cast<uint64_t>(std::max<int64_t>(end_tick - last, 0)));
  body.insert(body.end(), {0xFF, 0x2F, 0x00});
  std::vector<uint8_t> track = {'M', 'T', 'r', 'k'};
  put_u32(track, static_cast<uint32_t>(body.size()));
  track.insert(track.end(), body.begin(), body.end());
  return track;
}

std::vector<uint8_t> meta(uint8_t type, const std::string& text) {
  std::vector<uint8_t> b = {0xFF, type};
  put_varlen(b, text.size());
  b.insert(b.end(), text.begin(), text.end());
  return b;
}

// Key signature meta: sharps/flats count of the relative major, and the mode flag.
std::vector<uint8_t> key_signature(const Key& key) {
  int major_tonic = key.tonic;
  if (key.mode == Mode::kMinor) major_tonic += 3;
  if (key.mode == Mode::kDorian) major_tonic -= 2;
  if (key.mode == Mode::kMixolydian) major_tonic += 5;
  major_tonic = ((major_tonic % 12) + 12) % 12;
  static const int kSharps[12] = {0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5};
  const int sf = kSharps[major_tonic];
  return {0xFF, 0x59, 0x02, static_cast<uint8_t>(static_cast<int8_t>(sf)), static_cast<uint8_t>(key.mode == Mode::kMinor ? 1 : 0)};
}

}  // namespace

std::vector<uint8_t> encode_smf(const Score& score) {
  const int64_t end_tick = score.music_end_tick;
  std::vector<uint8_t> file = {'M', 'T', 'h', 'd'};
  put_u32(file, 6);
  put_u16(file, 1);
  put_u16(file, static_cast<uint16_t>(score.parts.size() + 1));
  put_u16(file, static_cast<uint16_t>(kTicksPerBeat));

  std::vector<TimedEvent> conductor;
  conductor.push_back({0, 0, meta(0x03, "obs-bgm")});
  conductor.push_back({0, 0, {0xFF, 0x58, 0x04, 4, 2, 24, 8}});
  conductor.push_back({0, 0, key_signature(score.key)});
  for (const auto& t : score.tempo) {
    const auto us = static_cast<uint32_t>(std::lround(60'000'000.0 / t.bpm));
    conductor.push_back({t.tick, 0, {0xFF, 0x51, 0x03, static_cast<uint8_t>(us >> 16), static_cast<uint8_t>(us >> 8), static_cast<uint8_t>(us)}});
  }
  for (const auto& s : score.sections) conductor.push_back({s.start_tick, 0, meta(0x06, s.name)});
  auto track0 = make_track(std::move(conductor), end_tick);
  file.insert(file.end(), track0.begin(), track0.end());

  for (const auto& part : score.parts) {
    const auto ch = static_cast<uint8_t>(part.channel);
    std::vector<TimedEvent> ev;
    ev.push_back({0, 0, meta(0x03, part.name)});
    if (part.role != Role::kDrums) {
      ev.push_back({0, 0, {static_cast<uint8_t>(0xB0 | ch), 0, static_cast<uint8_t>(std::min(part.bank, 127))}});
    }
    ev.push_back({0, 0, {static_cast<uint8_t>(0xC0 | ch), static_cast<uint8_t>(part.program)}});
    ev.push_back({0, 0, {static_cast<uint8_t>(0xB0 | ch), 7, static_cast<uint8_t>(part.volume)}});
    ev.push_back({0, 0, {static_cast<uint8_t>(0xB0 | ch), 10, static_cast<uint8_t>(part.pan)}});
    ev.push_back({0, 0, {static_cast<uint8_t>(0xB0 | ch), 91, static_cast<uint8_t>(part.reverb)}});
    ev.push_back({0, 0, {static_cast<uint8_t>(0xB0 | ch), 93, static_cast<uint8_t>(part.chorus)}});
    for (const auto& c : part.controls) {
      ev.push_back({c.tick, 1, {static_cast<uint8_t>(0xB0 | ch), static_cast<uint8_t>(c.controller), static_cast<uint8_t>(std::clamp(c.value, 0, 127))}});
    }
    for (const auto& n : part.notes) {
      const int64_t on = n.tick + n.offset;
      ev.push_back({on, 2, {static_cast<uint8_t>(0x90 | ch), static_cast<uint8_t>(n.pitch), static_cast<uint8_t>(n.velocity)}});
      ev.push_back({on + std::max<int64_t>(n.length, 1), 1, {static_cast<uint8_t>(0x80 | ch), static_cast<uint8_t>(n.pitch), 0}});
    }
    auto track = make_track(std::move(ev), end_tick);
    file.insert(file.end(), track.begin(), track.end());
  }
  return file;
}

Status write_midi_file(const Score& score, const std::filesystem::path& path) {
  if (auto ok = check_writable_output(path); !ok) return ok;
  const auto bytes = encode_smf(score);
  return write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<SmfFile> decode_smf(const std::vector<uint8_t>& b) {
  auto bad = [](const std::string& why) { return make_error(ErrorCode::kMedia, "Not a valid MIDI file: " + why); };
  size_t pos = 0;
  auto need = [&](size_t n) { return pos + n <= b.size(); };
  auto u32 = [&] { uint32_t v = 0; for (int i = 0; i < 4; ++i) v = (v << 8) | b[pos++]; return v; };
  auto u16 = [&] { uint16_t v = static_cast<uint16_t>((b[pos] << 8) | b[pos + 1]); pos += 2; return v; };
  if (!need(14) || std::string(b.begin(), b.begin() + 4) != "MThd") return bad("no header");
  pos = 4;
  if (u32() != 6) return bad("header length");
  SmfFile file;
  file.format = u16();
  const int ntracks = u16();
  file.division = u16();
  for (int t = 0; t < ntracks; ++t) {
    if (!need(8) || std::string(b.begin() + static_cast<long>(pos), b.begin() + static_cast<long>(pos) + 4) != "MTrk") return bad("track header");
    pos += 4;
    const size_t len = u32();
    if (!need(len)) return bad("truncated track");
    const size_t end = pos + len;
    std::vector<SmfEvent> events;
    int64_t tick = 0;
    uint8_t running = 0;
    // Every read below is checked against the track's end first (a file may lie about anything).
    while (pos < end) {
      uint64_t delta = 0;
      for (int i = 0; i < 4 && pos < end; ++i) {
        const uint8_t c = b[pos++];
        delta = (delta << 7) | (c & 0x7F);
        if (!(c & 0x80)) break;
      }
      tick += static_cast<int64_t>(delta);
      if (pos >= end) return bad("event past track end");
      SmfEvent e;
      e.tick = tick;
      uint8_t status = b[pos];
      if (status & 0x80) ++pos;
      else status = running;
      e.status = status;
      if (status == 0xFF) {
        if (pos >= end) return bad("meta past track end");
        e.meta_type = b[pos++];
        uint64_t mlen = 0;
        for (int i = 0; i < 4; ++i) {
          if (pos >= end) return bad("meta past track end");
          const uint8_t c = b[pos++];
          mlen = (mlen << 7) | (c & 0x7F);
          if (!(c & 0x80)) break;
        }
        if (mlen > end - pos) return bad("meta past track end");
        e.data.assign(b.begin() + static_cast<long>(pos), b.begin() + static_cast<long>(pos + mlen));
        pos += mlen;
      } else if ((status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0) {
        if (end - pos < 1) return bad("event past track end");
        running = status;
        e.data = {b[pos++]};
      } else if (status >= 0x80 && status < 0xF0) {
        if (end - pos < 2) return bad("event past track end");
        running = status;
        e.data = {b[pos], b[pos + 1]};
        pos += 2;
      } else {
        return bad("unsupported event");
      }
      events.push_back(std::move(e));
    }
    file.tracks.push_back(std::move(events));
  }
  return file;
}

}  // namespace bgm
