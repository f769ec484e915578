#pragma once
// Reading one typed field out of JSON we did not write ourselves (a settings file, a results list, a draft, a
// server's answer): the value when it is there with the right type (finite, for numbers), else the fallback.
// Thread: pure function; any thread.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace bgm {

template <typename T>
T json_field(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) return it->is_string() ? it->template get<std::string>() : fallback;
  else if constexpr (std::is_same_v<T, bool>) return it->is_boolean() ? it->template get<bool>() : fallback;
  else if constexpr (std::is_integral_v<T>) return it->is_number_integer() ? it->template get<T>() : fallback;
  else return it->is_number() && std::isfinite(it->template get<double>()) ? it->template get<T>() : fallback;
}

}  // namespace bgm

namespace bgm {

// The member `key` of an object, or a null when `j` is not an object or has no such member.
const nlohmann::json& json_member(const nlohmann::json& j, const char* key);

// A number as a service we did not write may send it: a JSON number, or a string holding one ("1500", "0.35").
// nullopt when it is neither, or not finite.
std::optional<double> loose_number(const nlohmann::json& value);
// The same, rounded to a whole number (1500.4 ms is 1500 ms).
std::optional<int64_t> loose_integer(const nlohmann::json& value);

}  // namespace bgm
