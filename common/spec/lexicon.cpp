#include "spec/lexicon.h"

namespace bgm {

const std::vector<MoodEntry>& moods() {
  static const std::vector<MoodEntry> kMoods = {
      {"happy", {"happy", "cheerful", "joyful", "fun", "bright", "sunny", "欢快", "快乐", "开心", "愉快", "阳光"}, 0.8, 0.7, Mode::kMajor, "pop"},
      {"sad", {"sad", "melancholy", "melancholic", "sorrowful", "heartbreak", "emotional", "悲伤", "伤感", "忧伤", "难过"}, -0.7, 0.25, Mode::kMinor, "piano"},
      {"calm", {"calm", "peaceful", "serene", "tranquil", "soothing", "平静", "宁静", "安详", "治愈"}, 0.3, 0.15, Mode::kMajor, "ambient"},
      {"relaxed", {"relaxed", "relaxing", "chill", "chilled", "laid-back", "mellow", "cozy", "放松", "轻松", "惬意", "慵懒"}, 0.35, 0.3, std::nullopt, "lofi"},
      {"energetic", {"energetic", "energizing", "hype", "exciting", "pumping", "动感", "活力", "激情", "燃"}, 0.55, 0.9, std::nullopt, "electronic"},
      {"epic", {"epic", "heroic", "grand", "majestic", "triumphant", "史诗", "宏大", "壮丽", "磅礴"}, 0.2, 0.9, Mode::kMinor, "cinematic"},
      {"dark", {"dark", "sinister", "ominous", "gloomy", "horror", "黑暗", "阴暗", "恐怖", "阴森"}, -0.8, 0.5, Mode::kMinor, "cinematic"},
      {"romantic", {"romantic", "love", "tender", "intimate", "浪漫", "温柔", "爱情", "甜蜜"}, 0.55, 0.3, Mode::kMajor, "piano"},
      {"mysterious", {"mysterious", "mystery", "curious", "enigmatic", "神秘", "悬疑"}, -0.3, 0.35, Mode::kDorian, "ambient"},
      {"tense", {"tense", "suspense", "suspenseful", "thriller", "urgent", "紧张", "紧迫", "惊悚"}, -0.6, 0.75, Mode::kMinor, "cinematic"},
      {"uplifting", {"uplifting", "inspiring", "inspirational", "motivational", "hopeful", "optimistic", "励志", "鼓舞", "积极", "希望"}, 0.8, 0.65, Mode::kMajor, "corporate"},
      {"dreamy", {"dreamy", "ethereal", "floating", "magical", "梦幻", "飘渺"}, 0.4, 0.25, Mode::kMajor, "ambient"},
      {"nostalgic", {"nostalgic", "nostalgia", "retro", "wistful", "怀旧", "复古"}, 0.1, 0.35, std::nullopt, "lofi"},
      {"playful", {"playful", "quirky", "silly", "cute", "funny", "俏皮", "可爱", "搞笑", "有趣"}, 0.85, 0.6, Mode::kMajor, "chiptune"},
  };
  return kMoods;
}

const std::vector<InstrumentEntry>& instruments() {
  static const std::vector<InstrumentEntry> kInstruments = {
      {"piano", {"piano", "pianos", "keys", "钢琴"}, 0, Role::kHarmony, 0, 7},
      {"electric piano", {"electric piano", "rhodes", "电钢琴"}, 4, Role::kHarmony, 4, 5},
      {"strings", {"strings", "string section", "orchestra strings", "弦乐"}, 48, Role::kPad, 48, 51},
      {"violin", {"violin", "fiddle", "小提琴"}, 40, Role::kMelody, 40, 41},
      {"cello", {"cello", "大提琴"}, 42, Role::kCounter, 42, 43},
      {"guitar", {"guitar", "guitars", "acoustic guitar", "吉他"}, 25, Role::kHarmony, 24, 31},
      {"electric guitar", {"electric guitar", "电吉他"}, 29, Role::kHarmony, 26, 31},
      {"bass", {"bass", "bassline", "bass line", "贝斯", "低音"}, -1, Role::kBass, 32, 39},
      {"drums", {"drums", "drum", "percussion", "beat", "beats", "鼓", "鼓点", "打击乐"}, -1, Role::kDrums, -1, -1},
      {"synth", {"synth", "synths", "synthesizer", "合成器"}, 81, Role::kMelody, 80, 103},
      {"pad", {"pad", "pads", "铺底"}, 89, Role::kPad, 88, 95},
      {"flute", {"flute", "长笛", "笛子"}, 73, Role::kMelody, 72, 79},
      {"saxophone", {"saxophone", "sax", "萨克斯"}, 66, Role::kMelody, 64, 67},
      {"trumpet", {"trumpet", "小号"}, 56, Role::kMelody, 56, 59},
      {"brass", {"brass", "horns", "horn", "铜管", "圆号"}, 60, Role::kMelody, 60, 63},
      {"organ", {"organ", "风琴"}, 16, Role::kPad, 16, 23},
      {"bells", {"bells", "glockenspiel", "chimes", "铃", "钟琴"}, 9, Role::kCounter, 8, 14},
      {"vibraphone", {"vibraphone", "vibes", "颤音琴"}, 11, Role::kMelody, 11, 11},
      {"marimba", {"marimba", "马林巴"}, 12, Role::kCounter, 12, 13},
      {"harp", {"harp", "竖琴"}, 46, Role::kCounter, 46, 46},
      {"choir", {"choir", "voices", "合唱", "人声"}, 52, Role::kPad, 52, 54},
      {"clarinet", {"clarinet", "单簧管"}, 71, Role::kMelody, 71, 71},
      {"melody", {"melody", "lead", "旋律"}, -1, Role::kMelody, -1, -1},
  };
  return kInstruments;
}

const MoodEntry* find_mood(std::string_view id) {
  for (const auto& m : moods())
    if (m.id == id) return &m;
  return nullptr;
}

const InstrumentEntry* find_instrument(std::string_view id) {
  for (const auto& i : instruments())
    if (i.id == id) return &i;
  return nullptr;
}

const std::vector<std::string_view>& slow_words() {
  static const std::vector<std::string_view> k = {"slow", "slowly", "slower", "downtempo", "unhurried", "leisurely", "慢", "缓慢", "舒缓", "慢节奏", "慢速"};
  return k;
}
const std::vector<std::string_view>& fast_words() {
  static const std::vector<std::string_view> k = {"fast", "faster", "quick", "uptempo", "up-tempo", "rapid", "speedy", "快节奏", "快速", "急促", "快"};
  return k;
}
const std::vector<std::string_view>& moderate_words() {
  static const std::vector<std::string_view> k = {"moderate tempo", "medium tempo", "mid-tempo", "midtempo", "中速", "中等速度"};
  return k;
}
const std::vector<std::string_view>& high_energy_words() {
  static const std::vector<std::string_view> k = {"high energy", "high-energy", "intense", "powerful", "driving", "aggressive", "loud", "强烈", "激烈", "有力", "高能"};
  return k;
}
const std::vector<std::string_view>& low_energy_words() {
  static const std::vector<std::string_view> k = {"low energy", "low-energy", "soft", "gentle", "quiet", "subtle", "minimal", "light", "sparse", "轻柔", "安静", "柔和", "低调", "简约"};
  return k;
}
const std::vector<std::string_view>& negation_words() {
  static const std::vector<std::string_view> k = {"no", "without", "not", "minus", "except", "exclude", "不要", "没有", "无", "去掉", "不用", "别用", "不带"};
  return k;
}
const std::vector<std::string_view>& only_words() {
  static const std::vector<std::string_view> k = {"only", "just", "solo", "alone", "只要", "只用", "仅", "独奏"};
  return k;
}
const std::vector<std::string_view>& loop_words() {
  static const std::vector<std::string_view> k = {"loop", "loopable", "seamless", "looping", "循环", "无缝"};
  return k;
}

}  // namespace bgm
