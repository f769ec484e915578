#include "media/packet_scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "media/video_input.h"

namespace bgm {
namespace {

struct ParserDeleter {
  void operator()(AVCodecParserContext* p) const { av_parser_close(p); }
};
using ParserPtr = std::unique_ptr<AVCodecParserContext, ParserDeleter>;

// Reads whether a packet's first coded slice is a reference, for the two codecs whose NAL header tells:
// H.264 (nal_ref_idc) and HEVC (the sub-layer non-reference NAL types). Packets are length-prefixed (MP4, MKV:
// the size of the prefix from the codec's configuration record) or Annex B start codes (MPEG-TS).
class NalReader {
 public:
  explicit NalReader(const AVCodecParameters& par) : codec_(par.codec_id) {
    const uint8_t* x = par.extradata;
    if (x && par.extradata_size >= 7 && x[0] == 1) {
      if (codec_ == AV_CODEC_ID_H264) length_size_ = (x[4] & 3) + 1;
      else if (codec_ == AV_CODEC_ID_HEVC && par.extradata_size >= 23) length_size_ = (x[21] & 3) + 1;
    }
  }
  bool knows() const { return codec_ == AV_CODEC_ID_H264 || codec_ == AV_CODEC_ID_HEVC; }

  // nullopt-like: -1 unknown, 0 not a reference, 1 a reference.
  int reference(const uint8_t* data, int size) const {
    if (!knows() || !data) return -1;
    const uint8_t* end = data + size;
    for (const uint8_t* p = data; p < end;) {
      const uint8_t* nal = nullptr;
      const uint8_t* next = end;
      if (length_size_ > 0) {
        if (end - p < length_size_) return -1;
        uint32_t n = 0;
        for (int i = 0; i < length_size_; ++i) n = (n << 8) | p[i];
        nal = p + length_size_;
        if (n > static_cast<uint32_t>(end - nal)) return -1;
        next = nal + n;
      } else {
        nal = start_code_end(p, end);
        if (!nal) return -1;
        const uint8_t* following = start_code_end(nal, end);
        next = following ? following - 3 : end;
      }
      if (nal < end) {
        const int verdict = vcl_reference(nal, next);
        if (verdict >= 0) return verdict;
      }
      p = next;
    }
    return -1;
  }

 private:
  static const uint8_t* start_code_end(const uint8_t* p, const uint8_t* end) {
    for (; end - p >= 3; ++p)
      if (p[0] == 0 && p[1] == 0 && p[2] == 1) return p + 3;
    return nullptr;
  }
  int vcl_reference(const uint8_t* nal, const uint8_t* end) const {
    if (codec_ == AV_CODEC_ID_H264) {
      const int type = nal[0] & 0x1f;
      if (type == 1 || type == 5) return (nal[0] >> 5) & 3 ? 1 : 0;
      return -1;
    }
    if (end - nal < 2) return -1;
    const int type = (nal[0] >> 1) & 0x3f;
    if (type > 31) return -1;                 // not a coded slice
    return type <= 14 && type % 2 == 0 ? 0 : 1;  // TRAIL_N, TSA_N, STSA_N, RADL_N, RASL_N, RSV_VCL_N10..14
  }

  AVCodecID codec_;
  int length_size_ = 0;
};

PictureType picture_type(int pict_type) {
  switch (pict_type) {
    case AV_PICTURE_TYPE_I: case AV_PICTURE_TYPE_SI: return PictureType::kIntra;
    case AV_PICTURE_TYPE_P: case AV_PICTURE_TYPE_SP: return PictureType::kPredicted;
    case AV_PICTURE_TYPE_B: case AV_PICTURE_TYPE_BI: return PictureType::kBidir;
    default: return PictureType::kUnknown;
  }
}

}  // namespace

double PacketScan::longest_keyframe_gap_s() const {
  double longest = 0, last_key = -1, latest = 0;
  for (const auto& p : pictures) {
    latest = std::max(latest, p.t);
    if (!p.key) continue;
    if (last_key >= 0) longest = std::max(longest, p.t - last_key);
    last_key = p.t;
  }
  if (last_key < 0) return latest + 1;  // no keyframe at all
  return std::max(longest, latest - last_key);
}

Result<PacketScan> scan_video_packets(const std::filesystem::path& path, double max_seconds, const CancelToken* cancel) {
  auto input = ff::open_video_input(path, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  ff::keep_only_video(*input);
  const AVStream* st = input->stream;
  const double tb = av_q2d(st->time_base);
  const int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;

  // The parser reads picture types from the bitstream; it needs the codec's configuration, nothing decoded.
  ParserPtr parser(av_parser_init(st->codecpar->codec_id));
  ff::CodecContextPtr parse_ctx(avcodec_alloc_context3(nullptr));
  if (parser && parse_ctx && avcodec_parameters_to_context(parse_ctx.get(), st->codecpar) >= 0) parser->flags |= PARSER_FLAG_COMPLETE_FRAMES;
  else parser.reset();
  const NalReader nals(*st->codecpar);

  PacketScan scan;
  const std::string demuxer = in->iformat && in->iformat->name ? in->iformat->name : "";
  scan.seeks_exactly = demuxer.rfind("mov", 0) == 0 || demuxer.rfind("matroska", 0) == 0;
  scan.skips_per_packet = nals.knows();
  bool typed = false;
  ff::PacketPtr pkt(av_packet_alloc());
  int64_t next_pts = 0;
  const double fps = ff::stream_fps(st);
  const double frame_s = fps > 0 ? 1.0 / fps : 1.0 / 30;
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == input->index) {
      PacketPicture pic;
      const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
      pic.t = ts != AV_NOPTS_VALUE ? static_cast<double>(ts - start) * tb : static_cast<double>(next_pts) * frame_s;
      ++next_pts;
      pic.bytes = static_cast<uint32_t>(std::max(0, pkt->size));
      pic.key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
      if (parser) {
        uint8_t* out = nullptr;
        int out_size = 0;
        av_parser_parse2(parser.get(), parse_ctx.get(), &out, &out_size, pkt->data, pkt->size, pkt->pts, pkt->dts, pkt->pos);
        pic.type = picture_type(parser->pict_type);
        typed = typed || pic.type != PictureType::kUnknown;
      } else if (pic.key) {
        pic.type = PictureType::kIntra;
      }
      const int ref = nals.reference(pkt->data, pkt->size);
      pic.reference = ref != 0;
      if (std::isfinite(pic.t)) scan.pictures.push_back(pic);
      if (pic.t > max_seconds + 1.0) {  // the decode refuses it; the scan's memory stays bounded
        av_packet_unref(pkt.get());
        break;
      }
    }
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  scan.types_known = typed;
  for (const auto& p : scan.pictures) {
    if (p.type != PictureType::kBidir) continue;
    scan.has_bidir = true;
    scan.bidir_referenced = scan.bidir_referenced || p.reference || !nals.knows();
  }
  std::stable_sort(scan.pictures.begin(), scan.pictures.end(), [](const PacketPicture& a, const PacketPicture& b) { return a.t < b.t; });
  return scan;
}

}  // namespace bgm
