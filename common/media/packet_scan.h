#pragma once
// What a video stream's packets say without decoding a picture: when each picture shows, how many bytes it took,
// what kind it is (intra, predicted, bidirectional, from FFmpeg's parser where it has one) and whether other
// pictures may be predicted from it (from the NAL header, for H.264 and HEVC). A whole 10-minute 1080p file is
// scanned in about 0.3 s. The analysis uses it to decide which pictures it can skip safely, to place each cut on
// its exact frame, and it answers the platforms' keyframe rule.
// Thread: a worker thread; cancel from any thread.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

enum class PictureType : std::uint8_t { kUnknown, kIntra, kPredicted, kBidir };

struct PacketPicture {
  double t = 0;               // presentation time, seconds from the stream's start
  std::uint32_t bytes = 0;    // the packet's size
  PictureType type = PictureType::kUnknown;
  bool key = false;           // a random-access point (the packet's key flag)
  bool reference = true;      // false only where the bitstream says no picture is predicted from it
};

struct PacketScan {
  std::vector<PacketPicture> pictures;  // in presentation order
  bool types_known = false;             // a parser named the picture types
  bool has_bidir = false;               // some picture is bidirectional
  bool bidir_referenced = false;        // some bidirectional picture is a reference (pyramids; unknown: true)
  bool seeks_exactly = false;           // the container has an index a seek lands on a keyframe with (MP4, MOV, MKV)
  // FFmpeg's decoder for the codec reads skip_frame before each packet (H.264, HEVC), so pictures can be left out
  // and some decoded all the same. Others (libdav1d's AV1) fix it when they open, or ignore it.
  bool skips_per_packet = false;
  // Seconds between random-access points, including the stretch from the last one to the end.
  double longest_keyframe_gap_s() const;
};

// Errors: those of opening the video (video_input.h), kCancelled. Stops reading past `max_seconds` + 1 s.
Result<PacketScan> scan_video_packets(const std::filesystem::path& path, double max_seconds, const CancelToken* cancel);

}  // namespace bgm
