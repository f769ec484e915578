#pragma once
// Errors as values at every library boundary of common/. Exceptions stay inside implementation files.
// Thread: all types here are plain values; any thread.

#include <string>
#include <utility>
#include <variant>

namespace bgm {

enum class ErrorCode {
  kInvalidArgument,   // the caller asked for something impossible (bad duration, unknown style)
  kNotFound,          // an input file does not exist or cannot be read
  kResourceMissing,   // something the engine needs is not installed (the SoundFont)
  kUnsupported,       // a format or feature we do not handle
  kIo,                // reading or writing failed (permissions, full disk)
  kMedia,             // FFmpeg could not decode or encode
  kSynth,             // FluidSynth failed
  kCancelled,         // the user cancelled
  kInternal,          // a bug: should never reach a user
  // A remote backend (the NemoVideo cloud, a studio's `obs-bgm serve`):
  kNetwork,           // the server cannot be reached, timed out or failed (5xx): worth retrying later
  kAuth,              // the token is missing, invalid or expired
  kQuota,             // out of credits, or the plan does not allow it (export on a free plan)
  kRateLimited,       // too many requests: wait, then retry
  kNotFoundRemote,    // the server does not know the session, render or file named
};

// Human-readable name of a code, for logs and --json output.
const char* error_code_name(ErrorCode code);

// What the user can do about an error, for a UI to offer (the dock's button).
enum class ErrorAction {
  kNone,
  kRegister,     // a free account keeps the credits going: open action_url (it binds this client)
  kTopUp,        // buy credits or a plan: open action_url
  kSmallerCopy,  // the file is over the service's limit: send a 720p copy instead
};

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, int remote = 0, std::string url = {})
      : code(c), message(std::move(m)), remote_code(remote), action_url(std::move(url)) {}
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // what happened and what to do, in plain words
  int remote_code = 0;  // a remote backend's own code (1001, 2001, 429...), 0 when none
  std::string action_url;  // where the user can act (a registration or top-up page), empty when none
  ErrorAction action = ErrorAction::kNone;
  Error&& with(ErrorAction a) && {
    action = a;
    return std::move(*this);
  }
};

// Result<T>: either a T or an Error. Result<void> carries only success or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(data_); }
  // The value, or `fallback` when this is an error (for callers to whom a failure means "use the default").
  T value_or(T fallback) && { return ok() ? std::get<T>(std::move(data_)) : std::move(fallback); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(data_) : std::move(fallback); }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace bgm
