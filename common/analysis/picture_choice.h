#pragma once
// Which of the pictures a faster decode leaves out are decoded all the same: those shown just before a picture
// that looks like the first of a new shot (intra, or far larger than its kind), so a cut that falls on a skipped
// picture is seen on its own frame. The packet sizes alone do not place a cut: a rate-starved CBR encoder coded
// the first picture of a new shot in fewer bytes than the two before it (measured), and a cut on a bidirectional
// picture leaves that picture small (it is predicted from the new shot's next picture), so the skipped pictures
// before a suspect are decoded instead.
// Thread: pure functions; any thread.

#include <vector>

#include "media/packet_scan.h"

namespace bgm {

// Each picture's bytes over the median of its own kind (type, keyframe, reference) within a second either side
// (1: typical; 1 also where too few of its kind are near).
std::vector<float> size_ratios(const std::vector<PacketPicture>& pictures);

// A picture this many times its kind's size looks like the first of a new shot.
inline constexpr float kSuspiciousRatio = 1.4f;

// Aligned with `pictures` (presentation order): the pictures the decode leaves out (the non-reference ones when
// `by_reference`, else the bidirectional ones) that are decoded all the same: every one in the run before a
// suspicious picture. One may be predicted from a skipped reference further back and come out a little off; a
// cut still shows (both sides of it are decoded from their own shots).
std::vector<bool> decode_anyway(const std::vector<PacketPicture>& pictures, const std::vector<float>& ratios, bool by_reference);

}  // namespace bgm
