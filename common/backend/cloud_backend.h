#pragma once
// The NemoVideo API as a backend: the TopMediai AI Music cloud, or any server speaking that API (a studio's
// `obs-bgm serve`). A job is the seed's quick edit: a session, the recording uploaded, one chat turn ("generate
// background music that matches the mood and length of my video", or the user's prompt), the timeline read back
// (the music's volume and ducking set as the job asks), an export, the file downloaded beside the recording under
// a new name. A result's session continues with a follow-up. Exports interrupted by quitting are delivered by
// deliver_pending() at the next start.
// Thread: see Backend. One CloudBackend may run one job at a time; status() may run beside it.

#include <memory>

#include "backend/backend.h"
#include "nemo/nemo_config.h"

namespace bgm {

class NemoCredentials;
class RenderJournal;

class CloudBackend final : public Backend {
 public:
  explicit CloudBackend(NemoConfig config);
  ~CloudBackend() override;
  Result<BackendStatus> status(const JobRequest& typical, const CancelToken* cancel) override;
  Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) override;
  Result<std::vector<JobResult>> deliver_pending(const JobEvents& events, const CancelToken* cancel) override;

 private:
  NemoConfig config_;
  std::shared_ptr<NemoCredentials> credentials_;
  std::shared_ptr<RenderJournal> journal_;
};

// The message a new job sends: the user's prompt, or the seed's quick-edit sentence for a video, or a request for
// text_duration_s of music from text alone (0: the prompt's length); a chosen style is named.
std::string cloud_job_message(const JobRequest& job, const std::string& style_name);

}  // namespace bgm
