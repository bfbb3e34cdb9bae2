// Errors as values: every fallible operation in ektp returns Result<T> (std::expected) carrying an
// Error with an abseil-style code and a message a person can act on. HTTP statuses are chosen only
// in src/api. Thread-safety: plain values.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace ektp {

enum class ErrorCode {
  kInvalidArgument,     // bad input: malformed NIK, name with control characters, bad JSON
  kNotFound,            // no such person, family, region, user
  kAlreadyExists,       // duplicate NIK, idempotency key reused with another body
  kFailedPrecondition,  // state forbids it: event on a deceased person, minor marrying
  kAborted,             // concurrent update lost the race; retry the transaction
  kUnauthenticated,     // no or bad credentials, expired token
  kPermissionDenied,    // authenticated but the role may not do this
  kResourceExhausted,   // a limit was hit: body size, rate, quota
  kUnavailable,         // a service is down or unreachable; retry later
  kDataLoss,            // stored data is corrupt: checksum mismatch, broken audit chain
  kInternal,            // a bug or an unexpected library failure
};

std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

inline std::unexpected<Error> invalid_argument(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

inline std::unexpected<Error> not_found(std::string message) {
  return make_error(ErrorCode::kNotFound, std::move(message));
}

inline std::unexpected<Error> failed_precondition(std::string message) {
  return make_error(ErrorCode::kFailedPrecondition, std::move(message));
}

}  // namespace ektp
