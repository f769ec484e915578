#include "core/json_field.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "core/text.h"

namespace bgm {

const nlohmann::json& json_member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

std::optional<double> loose_number(const nlohmann::json& value) {
  if (value.is_number()) {
    const double v = value.get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string_view text = trim(value.get_ref<const std::string&>());
  if (text.empty() || text.size() > 64) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> loose_integer(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return value.get<int64_t>();
  }
  const auto v = loose_number(value);
  if (!v || std::fabs(*v) > 9.0e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(*v));
}

}  // namespace bgm
