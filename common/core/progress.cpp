#include "core/progress.h"

namespace bgm {

std::string_view stage_id(Stage stage) {
  switch (stage) {
    case Stage::kUnderstanding: return "understanding";
    case Stage::kAnalysing: return "analysing";
    case Stage::kComposing: return "composing";
    case Stage::kLoadingSounds: return "loading_sounds";
    case Stage::kRendering: return "rendering";
    case Stage::kMastering: return "mastering";
    case Stage::kMixing: return "mixing";
    case Stage::kExporting: return "exporting";
    case Stage::kUploading: return "uploading";
    case Stage::kWaiting: return "waiting";
    case Stage::kDownloading: return "downloading";
    case Stage::kDone: return "done";
  }
  return "done";
}

std::string_view stage_label(Stage stage) {
  switch (stage) {
    case Stage::kUnderstanding: return "Understanding";
    case Stage::kAnalysing: return "Analysing";
    case Stage::kComposing: return "Composing";
    case Stage::kLoadingSounds: return "Loading sounds";
    case Stage::kRendering: return "Rendering";
    case Stage::kMastering: return "Mastering";
    case Stage::kMixing: return "Mixing";
    case Stage::kExporting: return "Exporting";
    case Stage::kUploading: return "Uploading";
    case Stage::kWaiting: return "Waiting for the server";
    case Stage::kDownloading: return "Downloading";
    case Stage::kDone: return "Done";
  }
  return "Done";
}

}  // namespace bgm
