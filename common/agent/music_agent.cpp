#include "agent/music_agent.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "agent/export_words.h"
#include "agent/message_words.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "spec/lexicon.h"
#include "spec/music_spec.h"
#include "spec/prompt_parser.h"
#include "spec/style_catalog.h"

namespace bgm {
namespace {

using json = nlohmann::json;
using Words = std::vector<std::string_view>;

constexpr double kEnergyStep = 0.2;
constexpr double kRangeStep = 0.3;
constexpr double kVolumeStep = 0.1;
constexpr double kDefaultTitleS = 3;

const Words kGenerate = {"generate", "compose", "create", "make music", "make some music", "make me", "write", "score",
                         "background music", "bgm", "add music", "soundtrack", "music for", "生成", "配乐", "作曲",
                         "背景音乐", "加音乐", "来一段", "做一段", "写一段"};
const Words kNewPiece = {"new piece", "another piece", "another one", "new one", "different piece", "different music",
                         "something else", "re-roll", "reroll", "regenerate", "try again", "start over", "换一首",
                         "重新生成", "再来一首", "新的一首", "换一个", "重新来"};
const Words kCalmer = {"calmer", "calm down", "more relaxed", "relaxed", "softer", "gentler", "mellower", "less intense",
                       "less energetic", "slower", "chill out", "more chill", "平静", "舒缓", "柔和", "安静一点",
                       "轻柔", "慢一点", "放松", "温和"};
const Words kEnergetic = {"more energetic", "energetic", "more intense", "intense", "intensity", "more upbeat",
                          "livelier", "more exciting", "exciting", "punchier", "faster", "more energy", "harder",
                          "stronger", "激烈", "更有活力", "有活力", "带劲", "激昂", "燃", "紧张", "快一点", "强烈",
                          "更强"};
const Words kQuieter = {"quieter", "lower the music", "turn it down", "turn down", "less loud", "小声", "调低", "低一点",
                        "轻一点"};
const Words kLouder = {"louder", "turn it up", "turn up", "raise the music", "大声", "调高", "响一点"};
const Words kVolumeWords = {"music", "volume", "bgm", "level", "音量", "音乐", "背景"};
const Words kDuckOff = {"don't duck", "do not duck", "dont duck", "no ducking", "stop ducking", "without ducking",
                        "turn off ducking", "ducking off", "disable ducking", "不要闪避", "不要避让", "不要压低",
                        "关闭闪避", "取消闪避", "别压低"};
const Words kDuckOn = {"duck under", "duck the music", "ducking on", "turn on ducking", "enable ducking", "duck",
                       "闪避", "避让", "压低"};
const Words kRemoveTitle = {"remove the title", "delete the title", "no title", "drop the title", "without title",
                            "without a title", "remove title", "删除标题", "去掉标题", "移除标题", "不要标题"};
const Words kTitle = {"title", "caption", "标题", "字幕"};
const Words kRemoveMusic = {"remove the music", "no music", "delete the music", "remove music", "without music",
                            "删除音乐", "去掉音乐", "不要音乐", "删除背景音乐"};
const Words kExport = {"export", "render", "download", "导出", "下载", "渲染"};

std::string pct(double v) { return std::to_string(static_cast<int>(std::lround(v * 100))) + "%"; }

struct Reply {
  Language lang;
  std::vector<std::string> lines;
  void say(const std::string& en, const std::string& zh) { lines.push_back(lang == Language::kChinese ? zh : en); }
  std::string text() const {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : (lang == Language::kChinese ? "" : " ")) + l;
    return out;
  }
};

std::string style_label(const StylePreset& s, Language lang) {
  return lang == Language::kChinese && !s.name_zh.empty() ? s.name_zh : s.name;
}

std::string capabilities(Language lang) {
  if (lang == Language::kChinese) {
    return "我可以：为你的视频生成背景音乐（或只根据文字生成）；让音乐更平静或更有活力；换风格（如爵士、低保真）；"
           "去掉某种乐器（“不要鼓”）；设置音量（“音乐音量20%”）；不在人声下压低音乐；添加或删除标题；"
           "换一首新的；只改一段（“把0:30到0:45变得更激烈”）；以及导出（如“导出1080p”）。";
  }
  return "I can: make background music for your video (or from your words alone); make it calmer or more energetic; "
         "switch the style (jazz, lo-fi, cinematic...); leave out an instrument (\"no drums\"); set its volume "
         "(\"music at 20%\"); stop stepping back under your voice (\"don't duck\"); add or remove a title; make a new "
         "piece; change one part (\"make 0:30 to 0:45 more intense\"); and export (\"export 1080p\").";
}

}  // namespace

AgentTurn run_agent_turn(const Draft& draft, std::string_view message, const AgentContext& ctx) {
  AgentTurn turn;
  turn.draft = draft;
  turn.language = detect_language(message);
  Reply reply{turn.language, {}};
  const bool zh = turn.language == Language::kChinese;
  const std::string raw(trim(message));
  if (raw.empty()) {
    turn.reply = zh ? "告诉我你想要什么样的音乐，或者上传一段视频。" : "Tell me what music you would like, or upload a video first.";
    return turn;
  }
  if (auto ok = check_prompt_length(raw); !ok) {
    turn.reply = zh ? "这条消息太长了（最多 4096 字节），请说得短一些。" : ok.error().message;
    return turn;
  }
  const std::string n = normalize_message(raw);
  const StyleCatalog& catalog = StyleCatalog::builtin();
  const PromptFacts facts = parse_prompt(raw, catalog);
  Draft& d = turn.draft;
  std::optional<DraftMusic> music = d.music();

  // What the message asks for. A range named with a platform is the part to export, not a music edit.
  const ExportWords export_words = read_export_words(n, has_any(n, kExport) && d.export_settings().preset.has_value());
  std::optional<TimeSpan> range = find_time_range(n);
  if (export_words.range) range.reset();
  const bool calmer = has_any(n, kCalmer);
  const bool energetic = !calmer && has_any(n, kEnergetic);
  const bool duck_off = has_any(n, kDuckOff);
  const bool duck_on = !duck_off && has_any(n, kDuckOn);
  const bool remove_title = has_any(n, kRemoveTitle);
  const auto quoted = find_quoted(raw);
  const bool add_title = !remove_title && has_any(n, kTitle) && quoted.has_value();
  const bool remove_music = has_any(n, kRemoveMusic);
  const bool new_piece = has_any(n, kNewPiece);
  const bool export_edit = export_words.height || export_words.preset || ((export_words.reframe || export_words.range) && d.export_settings().preset);
  const auto percent = find_percent(n);
  const bool volume_set = percent && (has_any(n, kVolumeWords) || n.size() <= 8);
  const bool quieter = !volume_set && has_any(n, kQuieter), louder = !volume_set && !quieter && has_any(n, kLouder);
  // A style named: "upbeat" is also an alias of pop, but "more upbeat" asks for energy, not pop.
  std::optional<std::string> style_switch = facts.style_id;
  if (style_switch && energetic && !has_any(n, {"pop", "流行"})) style_switch.reset();
  std::vector<std::string> excluded = facts.excluded, wanted;
  for (const auto& w : facts.wanted)
    if (std::find(excluded.begin(), excluded.end(), w) == excluded.end()) wanted.push_back(w);
  const bool generate_words = has_any(n, kGenerate);
  const bool music_edit = calmer || energetic || style_switch || !excluded.empty() || !wanted.empty() || new_piece || range;
  const bool mix_edit = volume_set || quieter || louder || duck_off || duck_on;
  const bool other_edit = add_title || remove_title || export_edit || remove_music;

  // No music yet: this message is what the music is asked for (the seed: "just tell me what you're thinking").
  const bool export_only = export_edit && (has_any(n, kExport) || export_words.preset) && !music_edit && !mix_edit && !generate_words;
  // A length asked for outside what the engine makes: said at once, nothing changes.
  if (facts.duration_s && !music && !ctx.video && !d.video() && !(*facts.duration_s >= kMinDurationS && *facts.duration_s <= kMaxDurationS)) {
    turn.reply = zh ? "音乐长度需在 2 秒到 60 分钟之间。" : "Music can be from 2 seconds to 60 minutes long; say a length in that range.";
    return turn;
  }
  if (!music && !remove_music && !export_only && (generate_words || music_edit || mix_edit || !other_edit)) {
    DraftMusic m;
    std::optional<DraftVideo> video = d.video();
    if (!video && ctx.video) {
      video = ctx.video;
      d.set_video(*video);
    }
    double seconds = ctx.text_duration_s;
    if (video && video->duration_ms > 0) seconds = video->duration_ms / 1000.0;
    else if (facts.duration_s) seconds = *facts.duration_s;
    m.start_ms = video ? video->start_ms : 0;
    m.duration_ms = static_cast<int64_t>(std::llround(seconds * 1000));
    m.prompt = raw;
    if (style_switch) {
      m.style = *style_switch;
      m.style_name = catalog.find(*style_switch)->name;
    }
    m.exclude = excluded;
    m.seed = ctx.fresh_seed;
    if (facts.music_volume) m.volume = *facts.music_volume;
    else if (volume_set) m.volume = *percent / 100;
    if (duck_off) m.duck = false;
    d.set_music(m);
    turn.render_music = true;
    turn.calls.push_back({"generate_music", {{"prompt", raw}, {"duration_s", seconds}, {"seed", m.seed}, {"for_video", video.has_value()}}});
    if (video && video->audio) {
      const std::string name = video->name.empty() ? (zh ? "你的录音" : "your recording") : video->name;
      reply.say("I'll compose music to sit under " + name + " (" + clock_text(seconds) + ") at " + pct(m.volume) +
                    (m.duck ? ", stepping back when someone speaks." : "."),
                "我会为“" + name + "”（" + clock_text(seconds) + "）创作垫乐，音量 " + pct(m.volume) + (m.duck ? "，有人说话时自动压低。" : "。"));
    } else if (video) {
      const std::string name = video->name.empty() ? (zh ? "你的视频" : "your video") : video->name;
      reply.say("I'll compose music that follows " + name + " (" + clock_text(seconds) + "), its cuts and its mood, at " + pct(m.volume) +
                    " under its own sound" + (m.duck ? ", stepping back when someone speaks." : "."),
                "我会为“" + name + "”（" + clock_text(seconds) + "）创作配乐，跟随它的剪辑和情绪，音量 " + pct(m.volume) +
                    (m.duck ? "，有人说话时自动压低。" : "。"));
    } else {
      reply.say("I'll compose " + clock_text(seconds) + " of music from your words.", "我会根据你的描述创作 " + clock_text(seconds) + " 的音乐。");
    }
    music = m;
  } else if (music && generate_words && !music_edit && !mix_edit && !other_edit) {
    // Music asked for again in new words: a new piece from them, in the same place on the timeline.
    DraftMusic m = *music;
    m.prompt = raw;
    m.style.clear();
    m.style_name.clear();
    m.mood.reset();
    m.energy.reset();
    m.key.reset();
    m.ranges.clear();
    m.exclude.clear();
    m.seed = ctx.fresh_seed;
    d.set_music(m);
    music = m;
    turn.render_music = true;
    turn.calls.push_back({"generate_music", {{"prompt", raw}, {"duration_s", m.duration_ms / 1000.0}, {"seed", m.seed}}});
    reply.say("I'll compose a new piece from that, in place of the last one.", "我会按这个描述重新创作一首，替换之前的音乐。");
  } else if (music && remove_music) {
    d.remove_music();
    turn.calls.push_back({"remove_music", json::object()});
    reply.say("Removed the music from the timeline.", "已从时间线删除音乐。");
    music.reset();
  } else if (music && music_edit) {
    DraftMusic m = *music;
    if (new_piece) {
      m.seed = ctx.fresh_seed;
      m.key.reset();
      m.ranges.clear();
      turn.calls.push_back({"new_piece", {{"seed", m.seed}}});
      reply.say("A new piece in the same style and mood (seed " + std::to_string(m.seed) + ").",
                "换了一首新的，风格和情绪不变（种子 " + std::to_string(m.seed) + "）。");
    }
    if (style_switch && *style_switch != m.style) {
      const StylePreset* s = catalog.find(*style_switch);
      m.style = s->id;
      m.style_name = s->name;
      turn.calls.push_back({"set_style", {{"style", s->id}}});
      reply.say("Switched to " + style_label(*s, Language::kEnglish) + ", the same piece otherwise (same seed and key).",
                "已换成" + style_label(*s, Language::kChinese) + "风格，其他不变（同一种子和调性）。");
    } else if (style_switch) {
      reply.say("It is already " + m.style_name + ".", "已经是" + style_label(*catalog.find(*style_switch), Language::kChinese) + "风格了。");
    }
    for (const auto& id : excluded) {
      if (std::find(m.exclude.begin(), m.exclude.end(), id) == m.exclude.end()) m.exclude.push_back(id);
      turn.calls.push_back({"leave_out", {{"instrument", id}}});
      reply.say("Left out the " + id + ".", "已去掉" + id + "。");
    }
    for (const auto& id : wanted) {
      std::erase(m.exclude, id);
      if (m.prompt.find(id) == std::string::npos) m.prompt += (m.prompt.empty() ? "" : ", ") + std::string("with ") + id;
      turn.calls.push_back({"add_instrument", {{"instrument", id}}});
      reply.say("Added " + id + ".", "已加入" + id + "。");
    }
    if ((calmer || energetic) && range) {
      const double total = m.duration_ms / 1000.0;
      if (range->start >= total) {
        reply.say("The music is only " + clock_text(total) + " long: " + clock_text(range->start) + " is past its end, so I changed nothing there.",
                  "音乐只有 " + clock_text(total) + " 长，" + clock_text(range->start) + " 已超出结尾，所以那里没有改动。");
      } else if (m.ranges.size() >= kMaxDraftRanges) {
        reply.say("That is the most changes of single parts I keep; ask for a new piece to start over.",
                  "单段修改已达上限；可以说“换一首”重新开始。");
      } else {
        const double end = std::min(range->end, total);
        m.ranges.push_back({range->start, end, calmer ? -kRangeStep : kRangeStep});
        turn.calls.push_back({"change_part", {{"from_s", range->start}, {"to_s", end}, {"energy", calmer ? -kRangeStep : kRangeStep}}});
        reply.say("Made " + clock_text(range->start) + " to " + clock_text(end) + (calmer ? " calmer" : " more intense") +
                      "; the rest of the piece stays note for note the same.",
                  "已把 " + clock_text(range->start) + " 到 " + clock_text(end) + (calmer ? " 变得更平静" : " 变得更激烈") + "，其余部分一个音符都不变。");
      }
    } else if (calmer || energetic) {
      const double before = m.energy.value_or(0.5);
      const double after = std::clamp(before + (calmer ? -kEnergyStep : kEnergyStep), 0.05, 1.0);
      if (std::fabs(after - before) < 1e-6) {
        reply.say(calmer ? "It is already as calm as it goes." : "It is already as energetic as it goes.",
                  calmer ? "已经是最平静的了。" : "已经是最有活力的了。");
      } else {
        m.energy = after;
        turn.calls.push_back({"set_energy", {{"energy", after}}});
        reply.say(std::string(calmer ? "Made it calmer" : "Made it more energetic") + " (energy " + pct(before) + " to " + pct(after) +
                      "): the same piece, same seed.",
                  std::string(calmer ? "已让音乐更平静" : "已让音乐更有活力") + "（能量 " + pct(before) + " → " + pct(after) + "），同一首曲子、同一种子。");
      }
    } else if (range) {
      reply.say("Tell me what to do with " + clock_text(range->start) + " to " + clock_text(range->end) + ": more intense, or calmer?",
                "请告诉我 " + clock_text(range->start) + " 到 " + clock_text(range->end) + " 要怎么改：更激烈，还是更平静？");
    }
    d.set_music(m);
    music = m;
    turn.render_music = true;
  }

  // What changes the mix, not the music: no new render.
  if (music && mix_edit) {
    DraftMusic m = *d.music();
    if (volume_set || quieter || louder) {
      const double before = m.volume;
      m.volume = volume_set ? *percent / 100 : std::clamp(before + (quieter ? -kVolumeStep : kVolumeStep), 0.0, 1.0);
      turn.calls.push_back({"set_music_volume", {{"volume", m.volume}}});
      reply.say("The music now sits at " + pct(m.volume) + " (was " + pct(before) + ").", "音乐音量已设为 " + pct(m.volume) + "（原为 " + pct(before) + "）。");
    }
    if (duck_off || duck_on) {
      m.duck = duck_on;
      turn.calls.push_back({"set_ducking", {{"duck", m.duck}}});
      reply.say(m.duck ? "The music will step back when someone speaks." : "The music will no longer step back under your voice.",
                m.duck ? "有人说话时音乐会自动压低。" : "音乐不会再在人声下压低。");
    }
    d.set_music(m);
  }
  if (add_title) {
    const double total = d.duration_ms() > 0 ? d.duration_ms() / 1000.0 : 3600;
    double seconds = kDefaultTitleS;
    if (auto s = find_seconds(n)) seconds = *s;
    seconds = std::clamp(seconds, 0.5, total);
    d.set_title({*quoted, 0, static_cast<int64_t>(std::llround(seconds * 1000))});
    turn.calls.push_back({"set_title", {{"text", *quoted}, {"duration_s", seconds}}});
    std::ostringstream s;
    s << seconds;
    reply.say("Added the title \"" + *quoted + "\" for the first " + s.str() + " s.", "已添加标题“" + *quoted + "”，显示前 " + s.str() + " 秒。");
  } else if (has_any(n, kTitle) && !remove_title && !quoted) {
    reply.say("Put the title's words in quotes, like: add the title 'Urban Dreams' for 3 seconds.",
              "请把标题文字放在引号里，例如：添加标题“城市之梦”3秒。");
  }
  if (remove_title) {
    if (d.title()) {
      d.remove_title();
      turn.calls.push_back({"remove_title", json::object()});
      reply.say("Removed the title.", "已删除标题。");
    } else {
      reply.say("There is no title to remove.", "没有可删除的标题。");
    }
  }
  if (export_edit) {
    const DraftExport settings = apply_export_words(d.export_settings(), export_words);
    d.set_export_settings(settings);
    json call = json::object();
    if (settings.height) call["height"] = *settings.height;
    if (settings.preset) call["preset"] = *settings.preset;
    if (settings.reframe) call["reframe"] = *settings.reframe;
    if (settings.range) call["range"] = {settings.range->start, settings.range->end};
    turn.calls.push_back({"set_export", call});
    const std::string what = describe_export(settings, turn.language);
    reply.say("Exports will be for " + what + (music ? ": say \"export\" when you are ready." : "."),
              "导出设置：" + what + (music ? "。准备好后说“导出”。" : "。"));
    // A recording longer than the platform takes is not cut silently: the reply offers a part.
    const ExportPreset* preset = settings.preset ? find_export_preset(*settings.preset) : nullptr;
    const double length = settings.range ? settings.range->end - settings.range->start : (d.video() ? d.video()->duration_ms / 1000.0 : 0.0);
    if (preset && preset->max_seconds > 0 && length > preset->max_seconds + 0.05) {
      const std::string cap = clock_text(preset->max_seconds);
      reply.say("Your recording is " + clock_text(length) + " and " + preset->name + " takes at most " + cap + ". Say which part, e.g. \"export 0:00 to " +
                    cap + " for " + preset->id + "\"; it gets music of its own, ending with that part.",
                "录像长 " + clock_text(length) + "，" + preset->name + " 最多 " + cap + "。请说要哪一段，例如“导出 0:00 到 " + cap + "”，那一段会有自己的配乐和结尾。");
    }
  }

  turn.understood = !turn.calls.empty();
  if (!turn.understood) {
    const std::string lead = reply.lines.empty() ? (zh ? "这个我还做不到。" : "I can't do that yet.") : "";
    turn.reply = (reply.lines.empty() ? lead + (zh ? "" : " ") : reply.text() + (zh ? "" : " ")) + capabilities(turn.language);
    turn.draft = draft;
    return turn;
  }
  turn.reply = reply.text();
  return turn;
}

}  // namespace bgm
