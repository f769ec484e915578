// POST /api/upload-video/nemo_agent/me/<session>: files streamed to disk as they arrive (multipart "files"), or
// fetched from public URLs ({"urls": [...]}); then each is checked by its content on an I/O worker and joins the
// session. Messages name a file by what the client called it, never by where it is on this server.
#include <string>

#include "core/random_id.h"
#include "core/text.h"
#include "httpd/multipart.h"
#include "server/server_core.h"
#include "server/upload_receiver.h"
#include "server/url_fetch.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kTooBig = "The file is over 500 MB. Compress or trim it, then upload again.";

// The files of one upload, taken into the session one by one; the first failure ends it (the rest are removed).
struct Intake {
  std::vector<std::pair<fs::path, std::string>> files;
  ~Intake() {
    std::error_code ec;
    for (const auto& f : files) fs::remove(f.first, ec);
  }
};

}  // namespace

void ServerCore::upload(ExchangePtr ex, const TokenRecord& token, const SessionRecord& session) {
  const httpd::Request& req = ex->request();
  const std::string length = req.header("Content-Length");
  if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > kMaxUploadBytes + kMultipartSlack) return reply(*ex, nemo::Code::kTooLarge, kTooBig);
  auto folder = store->media_file_for(session.id, random_id("part_"), ".upload");
  if (!folder) return reply_error(*ex, folder.error());
  const fs::path part = store->absolute(*folder);
  const std::string sid = session.id, owner = token.hash;

  // An upload's failure: over the size is 413, the rest as any error.
  auto refuse_error = [this, ex](const Error& e) { reply_error(*ex, e); };
  // Takes the files into the session (probing reads them: an I/O worker's job) and answers.
  auto take_files = [this, ex, sid, refuse_error](Intake& intake, const CancelToken* cancel) {
    json uploaded = json::array();
    while (!intake.files.empty()) {
      auto [file, name] = intake.files.front();
      intake.files.erase(intake.files.begin());
      auto m = service->add_upload(sid, file, name, cancel);  // removes the file when it fails
      if (!m) {
        Error e = m.error();
        e.message = replace_all(e.message, file.string(), name);
        return refuse_error(e);
      }
      json item = m->info;
      item["id"] = m->id;
      item["name"] = m->name;
      uploaded.push_back(item);
    }
    reply(*ex, 200, 0, "ok", {{"files", uploaded}});
  };
  auto take_all = [this, ex, owner, take_files](std::shared_ptr<Intake> intake) {
    auto queued = io_queue->submit(owner, [intake, take_files](const CancelToken* cancel) { take_files(*intake, cancel); });
    if (!queued) reply_error(*ex, queued.error());
  };

  if (const auto boundary = httpd::multipart_boundary(req.header("Content-Type"))) {
    auto receiver = std::make_shared<UploadReceiver>(*boundary, part, kMaxUploadBytes);
    auto refuse = [this, ex](UploadReceiver::Outcome o) {
      switch (o) {
        case UploadReceiver::Outcome::kTooBig: return reply(*ex, nemo::Code::kTooLarge, kTooBig);
        case UploadReceiver::Outcome::kTooMany: return reply(*ex, nemo::Code::kBadRequest, "At most 16 files go in one upload.");
        case UploadReceiver::Outcome::kWriteFailed: return reply(*ex, 500, 500, "The server could not store the upload (its disk may be full).");
        default: return reply(*ex, nemo::Code::kBadRequest, "The upload was cut off or is not multipart/form-data this server reads.");
      }
    };
    ex->stream_body(
        kMaxUploadBytes + kMultipartSlack,
        [receiver, refuse](std::string_view bytes) {
          if (receiver->feed(bytes)) return true;
          refuse(receiver->outcome());
          return false;
        },
        [this, ex, receiver, refuse, take_all](Status st) {
          if (!st) {
            if (httpd::body_over_limit(st.error())) return reply(*ex, nemo::Code::kTooLarge, kTooBig);
            return reply_error(*ex, st.error());  // cut off: no one is there to read it; the files go with the receiver
          }
          if (auto o = receiver->finish(); o != UploadReceiver::Outcome::kOk) return refuse(o);
          auto intake = std::make_shared<Intake>();
          intake->files = receiver->take_files();
          if (intake->files.empty()) return reply(*ex, nemo::Code::kBadRequest, "Send the file in a multipart field named \"files\".");
          take_all(intake);
        });
    return;
  }
  read_json_body(ex, [this, ex, part, owner, take_files, refuse_error](json body) {
    const json urls = body.is_object() && body.contains("urls") ? body["urls"] : json();
    if (!urls.is_array() || urls.empty() || urls.size() > 16) {
      return reply(*ex, nemo::Code::kBadRequest, "Send a multipart field \"files\", or JSON {\"urls\": [\"https://...\"]}.");
    }
    for (const auto& u : urls)
      if (!u.is_string()) return reply(*ex, nemo::Code::kBadRequest, "Each URL must be a string.");
    // The fetches run on an I/O worker (two at once per token), cancelled when the server stops.
    auto queued = io_queue->submit(owner, [this, part, urls, take_files, refuse_error](const CancelToken* cancel) {
      Intake intake;
      for (size_t i = 0; i < urls.size(); ++i) {
        const fs::path to = part.string() + std::to_string(i);
        intake.files.emplace_back(to, "");
        auto name = fetch_url(urls[i].get<std::string>(), to, kMaxUploadBytes, cancel, options.allow_local_url_sources);
        if (!name) return refuse_error(name.error());
        intake.files.back().second = *name;
      }
      take_files(intake, cancel);
    });
    if (!queued) reply_error(*ex, queued.error());
  });
}

}  // namespace bgm
