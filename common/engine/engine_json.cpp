#include "engine/engine_json.h"

namespace bgm {

nlohmann::json sections_to_json(const Score& score) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : score.sections)
    out.push_back({{"name", s.name}, {"start_s", score.seconds_at(static_cast<double>(s.start_tick))},
                   {"end_s", score.seconds_at(static_cast<double>(s.start_tick + s.length))}, {"energy", s.energy}});
  return out;
}

nlohmann::json master_to_json(const MasterReport& m) {
  return {{"input_lufs", m.input_lufs}, {"gain_db", m.gain_db}, {"output_lufs", m.output_lufs},
          {"max_gain_reduction_db", m.max_gain_reduction_db}, {"limited_share", m.limited_share},
          {"ride_largest_boost_db", m.ride.largest_boost_db}, {"ride_deepest_cut_db", m.ride.deepest_cut_db}};
}

}  // namespace bgm
