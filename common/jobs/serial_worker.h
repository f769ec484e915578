#pragma once
// One background thread that runs small tasks in the order they were posted (writing a file after an event),
// so callers on OBS's UI thread never wait for the disk.
// A task that throws is reported to the error handler (on the worker thread) and the worker goes on.
// Thread: post() from any thread; the destructor runs what is queued, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace bgm {

class SerialWorker {
 public:
  using ErrorHandler = std::function<void(const std::string& what)>;
  explicit SerialWorker(ErrorHandler on_error = {});
  ~SerialWorker();
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  void post(std::function<void()> task);

 private:
  void run(std::function<void()>& task) const;

  ErrorHandler on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bgm
