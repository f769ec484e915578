#pragma once
// What a line typed into a conversation asks for, before anything goes to the agent (the seed's routing table):
// "export" / "导出" / "download" / "send me the video" -> export (with what it asks of the export); "credits" / "积分" / "balance" / "余额" ->
// credits; "status" / "状态" / "show tracks" -> the timeline summary; "upload" / "上传" or a file path -> upload;
// anything else -> the agent.
// Thread: pure function; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "agent/export_words.h"

namespace bgm {

enum class Intent { kExport, kCredits, kState, kUpload, kChat };

struct RoutedLine {
  Intent intent = Intent::kChat;
  std::string path;             // upload: the file; export: where to write it ("" = the default place)
  ExportWords want;             // export: "export 1080p", "export for Shorts", "导出抖音", "export 1:20 to 2:50 for Shorts"
  bool every = false;           // export: every recording's timeline ("export all", "导出全部")
  bool said_upload = false;     // upload: the line says "upload" (else a file name alone, which may name a recording)
};

RoutedLine route_line(std::string_view line);

}  // namespace bgm
