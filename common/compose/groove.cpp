#include "compose/groove.h"

#include <array>
#include <functional>
#include <optional>
#include <vector>

namespace bgm::compose_detail {
namespace {

bool hit(const std::string& line, int step) { return line[static_cast<size_t>(step)] != '.'; }
bool loud(const std::string& line, int step) { return line[static_cast<size_t>(step)] == 'x' || line[static_cast<size_t>(step)] == 'X'; }

std::string* line_of(Groove& g, const char* drum) {
  auto it = g.find(drum);
  return it == g.end() ? nullptr : &it->second;
}

// The drums that carry the backbeat, and the time-keeper (the first the style has).
const std::array<const char*, 3> kBackbeat = {"snare", "clap", "rim"};
const std::array<const char*, 4> kKeepers = {"hat", "ride", "shaker", "pedal"};

bool backbeat_at(Groove& g, int step) {
  for (const char* d : kBackbeat)
    if (const std::string* l = line_of(g, d); l && loud(*l, step)) return true;
  return false;
}

std::string* keeper_of(Groove& g) {
  for (const char* d : kKeepers)
    if (std::string* l = line_of(g, d)) return l;
  return nullptr;
}

bool four_on_the_floor(const std::string& kick) { return hit(kick, 0) && hit(kick, 4) && hit(kick, 8) && hit(kick, 12); }

// Kicks a drummer may move or drop: not the downbeat, not a four-on-the-floor pulse.
std::vector<int> movable_kicks(const std::string& kick) {
  std::vector<int> out;
  const bool floor = four_on_the_floor(kick);
  for (int s = 1; s < 16; ++s)
    if (hit(kick, s) && !(floor && s % 4 == 0)) out.push_back(s);
  return out;
}

std::vector<int> free_steps(Groove& g, const std::string& line, const std::vector<int>& candidates) {
  std::vector<int> out;
  for (int s : candidates)
    if (!hit(line, s) && !backbeat_at(g, s)) out.push_back(s);
  return out;
}

std::optional<int> pick(const std::vector<int>& v, Rng& rng) {
  if (v.empty()) return std::nullopt;
  return v[static_cast<size_t>(rng.range(0, static_cast<int>(v.size()) - 1))];
}

// One change to the kick; false when the chosen change does not apply to this groove.
bool vary_kick(Groove& g, bool sixteenths, int kind, Rng& rng) {
  std::string* kick = line_of(g, "kick");
  if (!kick) return false;
  const std::vector<int> movable = movable_kicks(*kick);
  switch (kind) {
    case 0: {  // a syncopated kick on a free off-beat eighth
      const std::optional<int> s = pick(free_steps(g, *kick, {2, 6, 10, 14}), rng);
      if (!s) return false;
      (*kick)[static_cast<size_t>(*s)] = 'x';
      return true;
    }
    case 1: {  // a sixteenth push
      if (!sixteenths) return false;
      const std::optional<int> s = pick(free_steps(g, *kick, {3, 7, 11, 13}), rng);
      if (!s) return false;
      (*kick)[static_cast<size_t>(*s)] = 'x';
      return true;
    }
    case 2: {  // a kick moved an eighth earlier or later
      const std::optional<int> s = pick(movable, rng);
      if (!s) return false;
      const int to = *s + (rng.chance(0.5) ? 2 : -2);
      if (to <= 0 || to >= 16 || hit(*kick, to) || backbeat_at(g, to)) return false;
      (*kick)[static_cast<size_t>(to)] = (*kick)[static_cast<size_t>(*s)];
      (*kick)[static_cast<size_t>(*s)] = '.';
      return true;
    }
    default: {  // a kick left out (the bar keeps at least two)
      const std::optional<int> s = pick(movable, rng);
      int count = 0;
      for (int i = 0; i < 16; ++i) count += hit(*kick, i);
      if (!s || count <= 2) return false;
      (*kick)[static_cast<size_t>(*s)] = '.';
      return true;
    }
  }
}

// One change to the time-keeper: a pickup, a breath, or an open hat on an off-beat.
bool vary_keeper(Groove& g, bool sixteenths, int kind, Rng& rng) {
  std::string* keeper = keeper_of(g);
  if (!keeper) return false;
  switch (kind) {
    case 0: {  // a pickup into beat 3 or beat 1
      const std::optional<int> s = pick(sixteenths ? std::vector<int>{7, 15} : std::vector<int>{6, 14}, rng);
      if (hit(*keeper, *s)) return false;
      (*keeper)[static_cast<size_t>(*s)] = 'x';
      return true;
    }
    case 1: {  // a breath: one off-beat left out
      std::vector<int> offbeats;
      for (int s = 2; s < 16; s += 4)
        if (hit(*keeper, s)) offbeats.push_back(s);
      const std::optional<int> s = pick(offbeats, rng);
      if (!s) return false;
      (*keeper)[static_cast<size_t>(*s)] = '.';
      return true;
    }
    default: {  // an open hat on an off-beat eighth (hats only)
      std::string* hat = line_of(g, "hat");
      if (!hat) return false;
      std::string& open = g.try_emplace("open", std::string(16, '.')).first->second;
      const int s = rng.chance(0.5) ? 6 : 14;
      if (hit(open, s)) return false;
      open[static_cast<size_t>(s)] = 'x';
      (*hat)[static_cast<size_t>(s)] = '.';
      return true;
    }
  }
}

// A snare (or clap) ghost note or pickup on a free step.
bool vary_backbeat(Groove& g, bool sixteenths, Rng& rng) {
  for (const char* d : kBackbeat) {
    std::string* l = line_of(g, d);
    if (!l) continue;
    const std::optional<int> s = pick(free_steps(g, *l, sixteenths ? std::vector<int>{7, 9, 14, 15} : std::vector<int>{6, 10, 14}), rng);
    if (!s) return false;
    (*l)[static_cast<size_t>(*s)] = *s >= 14 ? 'x' : 'o';
    return true;
  }
  return false;
}

// Tries the changes in a seeded order until `wanted` of them applied.
void apply_changes(Groove& g, bool sixteenths, int wanted, Rng& rng) {
  std::vector<std::function<bool()>> changes;
  for (int kind = 0; kind < 4; ++kind) changes.push_back([&, kind] { return vary_kick(g, sixteenths, kind, rng); });
  for (int kind = 0; kind < 3; ++kind) changes.push_back([&, kind] { return vary_keeper(g, sixteenths, kind, rng); });
  changes.push_back([&] { return vary_backbeat(g, sixteenths, rng); });
  // A seeded shuffle, then the first changes that apply.
  for (size_t i = changes.size(); i > 1; --i) std::swap(changes[i - 1], changes[static_cast<size_t>(rng.range(0, static_cast<int>(i) - 1))]);
  int done = 0;
  for (auto& change : changes) {
    if (done == wanted) break;
    done += change();
  }
}

}  // namespace

GroovePair vary_groove(const Groove& groove, bool sixteenths, Rng& rng) {
  GroovePair pair;
  pair.main = groove;
  apply_changes(pair.main, sixteenths, rng.range(1, 2), rng);
  // The answer: a kick pushed into the next bar, an open hat, or a pickup on the last eighth.
  Groove answer = pair.main;
  std::string* kick = line_of(answer, "kick");
  const int choice = rng.range(0, 2);
  if (choice == 0 && kick && !hit(*kick, 14) && !backbeat_at(answer, 14)) (*kick)[14] = 'x';
  else if (choice == 1 && vary_keeper(answer, sixteenths, 2, rng)) {}
  else if (!vary_backbeat(answer, sixteenths, rng)) apply_changes(answer, sixteenths, 1, rng);
  pair.answer = std::move(answer);
  return pair;
}

void comp_snare(Groove& bar, Rng& rng) {
  std::string& snare = bar.try_emplace("snare", std::string(16, '.')).first->second;
  static const int kOffbeats[] = {2, 6, 10, 14};
  const int hits = rng.range(1, 2);
  for (int i = 0; i < hits; ++i) snare[static_cast<size_t>(kOffbeats[rng.range(0, 3)])] = rng.chance(0.3) ? 'x' : 'o';
}

}  // namespace bgm::compose_detail
