// Helpers shared by all test executables.
#pragma once

#include <gtest/gtest.h>

#include "core/error.h"

// EXPECT_OK(result): the expected<> holds a value; otherwise prints the error message.
#define EXPECT_OK(expr)                                                          \
  do {                                                                           \
    const auto& ektp_result_ = (expr);                                           \
    EXPECT_TRUE(ektp_result_.has_value())                                        \
        << "error: " << ektp_result_.error().message;                            \
  } while (false)

#define ASSERT_OK(expr)                                                          \
  do {                                                                           \
    const auto& ektp_result_ = (expr);                                           \
    ASSERT_TRUE(ektp_result_.has_value())                                        \
        << "error: " << ektp_result_.error().message;                            \
  } while (false)

// EXPECT_ERROR(result, code, substring): failed with that code and a message containing substring.
#define EXPECT_ERROR(expr, error_code, substring)                                \
  do {                                                                           \
    const auto& ektp_result_ = (expr);                                           \
    ASSERT_FALSE(ektp_result_.has_value()) << "expected an error";               \
    EXPECT_EQ(ektp_result_.error().code, (error_code))                           \
        << ektp_result_.error().message;                                         \
    EXPECT_NE(ektp_result_.error().message.find(substring), std::string::npos)   \
        << "message: " << ektp_result_.error().message;                          \
  } while (false)
