#pragma once
// A job on a conversation, whichever holds it (the local engine's sessions, a NemoVideo server): one turn (unless
// the job only exports), the timeline in focus read back, the job's mix settings (its first turn) and export preset
// on it, and its render written as a new file beside the recording (or in the job's folder). The dock's refine box,
// its Export menu and the cloud's quick edit all end here.
// Thread: the job runner's worker; events on it; cancel from any thread.

#include <string>

#include "backend/backend.h"
#include "session/conversation.h"

namespace bgm {

struct SessionJob {
  std::string message;      // what is said in the turn (unless job.export_only)
  bool first_turn = false;  // the job's mix settings (volume, duck) go on the music the turn made
};

// Errors: those of the conversation; kInvalidArgument when the turn was not understood (its reply says what can be
// asked), when the timeline holds nothing but the recording, or when there is no folder to write to.
Result<JobResult> run_session_job(Conversation& conversation, const JobRequest& job, const SessionJob& how, const JobEvents& events,
                                  const CancelToken* cancel);

}  // namespace bgm
