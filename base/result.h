// base/result.h
// Errors as values: govd::Error (a code, a message for people, the place in the input it
// concerns, and whether retrying can help) and govd::Result<T>, shaped like std::expected so
// that it can become an alias in C++23. Every layer returns these; exceptions are caught only at
// process edges (main, the worker loop, the control-API handler) and turned into an Error there.
// Thread safety: values, no shared state. Never put a credential into an Error's text.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace govd {

// A few canonical codes, as in absl::Status; the message says the rest.
enum class ErrorCode {
  kInvalidArgument,     // the input is wrong; retrying the same input cannot help
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // the system is not in the state the operation needs (illegal transition)
  kPermissionDenied,    // the caller may not do this
  kUnavailable,         // a dependency did not answer; retrying later may help
  kDeadlineExceeded,    // a time limit passed
  kResourceExhausted,   // a size or rate limit was hit
  kInternal,            // a bug or an invariant broken; never caused by input
};

std::string_view ErrorCodeName(ErrorCode code);

// True for the codes where trying the same operation again later may succeed.
bool IsRetryableCode(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message, std::string where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Where in the input the error is: a JSON pointer ("/Statement/0/Effect"), a line ("line 12"),
  // a field name ("x-amz-date"). Empty when the error concerns no particular place.
  const std::string& where() const { return where_; }
  bool retryable() const { return IsRetryableCode(code_); }

  // "invalid argument at /Statement/0/Effect: Effect must be \"Allow\" or \"Deny\""
  std::string ToString() const;

  // The same error with a context prefixed to the message ("reading config: ...").
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string where_;
};

// Shorthands for the common codes.
inline Error InvalidArgument(std::string message, std::string where = {}) {
  return {ErrorCode::kInvalidArgument, std::move(message), std::move(where)};
}
inline Error NotFound(std::string message, std::string where = {}) {
  return {ErrorCode::kNotFound, std::move(message), std::move(where)};
}
inline Error FailedPrecondition(std::string message, std::string where = {}) {
  return {ErrorCode::kFailedPrecondition, std::move(message), std::move(where)};
}
inline Error PermissionDenied(std::string message, std::string where = {}) {
  return {ErrorCode::kPermissionDenied, std::move(message), std::move(where)};
}
inline Error Unavailable(std::string message, std::string where = {}) {
  return {ErrorCode::kUnavailable, std::move(message), std::move(where)};
}
inline Error Internal(std::string message, std::string where = {}) {
  return {ErrorCode::kInternal, std::move(message), std::move(where)};
}

// Either a T or an Error. Construct from either; test with has_value() or operator bool.
// REQUIRES for value()/operator*: has_value(); for error(): !has_value(). Breaking these is a
// bug in the caller and aborts (never undefined behaviour).
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is meaningless");

  // NOLINTBEGIN(google-explicit-constructor): implicit, so `return value;` and `return error;` work.
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}
  // NOLINTEND(google-explicit-constructor)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return *Checked<0>(); }
  const T& value() const& { return *Checked<0>(); }
  T&& value() && { return std::move(*Checked<0>()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*Checked<0>()); }
  T* operator->() { return Checked<0>(); }
  const T* operator->() const { return Checked<0>(); }

  const Error& error() const { return *Checked<1>(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  template <std::size_t I>
  auto* Checked() {
    if (state_.index() != I) std::abort();
    return std::get_if<I>(&state_);
  }
  template <std::size_t I>
  const auto* Checked() const {
    if (state_.index() != I) std::abort();
    return std::get_if<I>(&state_);
  }

  std::variant<T, Error> state_;
};

// The result of an operation that yields nothing but can fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const {
    if (!failed_) std::abort();
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool failed_ = false;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace govd

// Propagates an error from an expression of type Result<...>: `GOVD_TRY(status);`.
// Binds by reference: an lvalue Status is checked in place, not copied.
#define GOVD_TRY(expr)                                         \
  do {                                                         \
    if (auto&& govd_try_result_ = (expr); !govd_try_result_) { \
      return govd_try_result_.error();                         \
    }                                                          \
  } while (false)

// Declares or assigns `lhs` from a Result<T> expression, returning its error if it failed:
// `GOVD_ASSIGN_OR_RETURN(auto doc, ParsePolicy(text));`
#define GOVD_ASSIGN_OR_RETURN(lhs, expr) \
  GOVD_ASSIGN_OR_RETURN_IMPL_(GOVD_RESULT_CONCAT_(govd_result_, __LINE__), lhs, expr)
#define GOVD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp) return tmp.error();                     \
  lhs = std::move(tmp).value()
#define GOVD_RESULT_CONCAT_INNER_(a, b) a##b
#define GOVD_RESULT_CONCAT_(a, b) GOVD_RESULT_CONCAT_INNER_(a, b)
