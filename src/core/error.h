// Errors as values: every fallible operation in ektp returns Result<T> (std::expected) carrying an
// Error with an abseil-style code and a message a person can act on. HTTP statuses are chosen only
// in src/api. Thread-safety: plain values.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

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
  // A stable, machine-readable cause beside the code where callers must tell refusals of one code
  // apart (e.g. "same_person", "separation_of_duties"); empty when the code says enough.
  std::string reason = {};
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// A refusal with a stable reason (Error::reason) beside its code.
inline std::unexpected<Error> refusal(ErrorCode code, std::string reason, std::string message) {
  return std::unexpected(Error{code, std::move(message), std::move(reason)});
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

// Error propagation. C++23 gives std::expected no `?` operator, so a caller that only passes an
// error on writes `auto x = f(); if (!x) return std::unexpected(x.error());` and then `*x`. These
// abseil-style macros say that in one statement. They work in any function (or lambda with a
// declared return type) returning a Result<U> or Status: the error converts to each of them.
//
//   EKTP_ASSIGN_OR_RETURN(lhs, expr): evaluates `expr`, a Result<T>, exactly once into a uniquely
//     named local. On error, returns the Error unchanged; otherwise `lhs = std::move(value)`.
//     `lhs` may declare (`auto session`, `const auto& row`) or name an existing variable. T may
//     be move-only. `expr` may contain commas (lambdas, template arguments).
//   EKTP_RETURN_IF_ERROR(expr): evaluates `expr`, a Status (or a Result whose value is not
//     needed), exactly once and returns its Error if it failed.
//
// Both expand to statements: use them only where a statement may stand in a block, never as the
// lone body of an unbraced if/else or loop (EKTP_ASSIGN_OR_RETURN expands to several).
#define EKTP_CONCAT_INNER_(a, b) a##b
#define EKTP_CONCAT_(a, b) EKTP_CONCAT_INNER_(a, b)

#define EKTP_ASSIGN_OR_RETURN(lhs, ...) \
  EKTP_ASSIGN_OR_RETURN_IMPL_(EKTP_CONCAT_(ektp_result_, __COUNTER__), lhs, __VA_ARGS__)
#define EKTP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, ...)                    \
  auto tmp = (__VA_ARGS__);                                           \
  if (!tmp.has_value()) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

#define EKTP_RETURN_IF_ERROR(...) \
  EKTP_RETURN_IF_ERROR_IMPL_(EKTP_CONCAT_(ektp_status_, __COUNTER__), __VA_ARGS__)
#define EKTP_RETURN_IF_ERROR_IMPL_(tmp, ...)                                        \
  do {                                                                              \
    auto tmp = (__VA_ARGS__);                                                       \
    if (!tmp.has_value()) return std::unexpected(std::move(tmp).error());          \
  } while (false)
