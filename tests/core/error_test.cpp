#include "core/error.h"

#include <memory>
#include <string>

#include "support/test_support.h"

namespace ektp {
namespace {

Result<int> parse_positive(int value) {
  if (value < 1) return invalid_argument("value must be positive");
  return value;
}

Status check_even(int value) {
  if (value % 2 != 0) return failed_precondition("value must be even");
  return {};
}

Result<std::unique_ptr<int>> boxed(int value) {
  if (value < 0) return not_found("no box for a negative value");
  return std::make_unique<int>(value);
}

// A Result<std::string> function built on a Result<int> one.
Result<std::string> describe(int value) {
  EKTP_ASSIGN_OR_RETURN(auto n, parse_positive(value));
  return "n=" + std::to_string(n);
}

// A Status function built on a Result<int> one.
Status require_positive(int value) {
  EKTP_ASSIGN_OR_RETURN(const auto& n, parse_positive(value));
  (void)n;
  return {};
}

TEST(ErrorMacrosTest, AssignOrReturnAssignsTheValueOnSuccess) {
  EXPECT_EQ(describe(7).value_or(""), "n=7");
  EXPECT_OK(require_positive(3));
}

TEST(ErrorMacrosTest, AssignOrReturnPropagatesTheErrorUnchanged) {
  auto described = describe(0);
  EXPECT_ERROR(described, ErrorCode::kInvalidArgument, "value must be positive");
  EXPECT_EQ(described.error().message, "value must be positive");
  EXPECT_ERROR(require_positive(-1), ErrorCode::kInvalidArgument, "value must be positive");
}

TEST(ErrorMacrosTest, AssignOrReturnAssignsToAnExistingVariable) {
  auto twice = [](int value) -> Result<int> {
    int n = 0;
    EKTP_ASSIGN_OR_RETURN(n, parse_positive(value));
    return 2 * n;
  };
  EXPECT_EQ(twice(21).value_or(-1), 42);
  EXPECT_ERROR(twice(0), ErrorCode::kInvalidArgument, "value must be positive");
}

TEST(ErrorMacrosTest, AssignOrReturnWorksForMoveOnlyValues) {
  auto unbox = [](int value) -> Result<int> {
    EKTP_ASSIGN_OR_RETURN(std::unique_ptr<int> box, boxed(value));
    return *box + 1;
  };
  EXPECT_EQ(unbox(4).value_or(-1), 5);
  EXPECT_ERROR(unbox(-1), ErrorCode::kNotFound, "no box for a negative value");

  auto keep = [](int value) -> Result<std::unique_ptr<int>> {
    std::unique_ptr<int> box;
    EKTP_ASSIGN_OR_RETURN(box, boxed(value));
    return box;
  };
  auto kept = keep(9);
  ASSERT_OK(kept);
  ASSERT_NE(*kept, nullptr);
  EXPECT_EQ(**kept, 9);
}

TEST(ErrorMacrosTest, AssignOrReturnTakesExpressionsWithCommas) {
  auto add = [](int a, int b) -> Result<int> {
    EKTP_ASSIGN_OR_RETURN(auto sum, [a, b]() -> Result<int> { return parse_positive(a + b); }());
    return sum;
  };
  EXPECT_EQ(add(2, 3).value_or(-1), 5);
  EXPECT_ERROR(add(2, -3), ErrorCode::kInvalidArgument, "value must be positive");
}

TEST(ErrorMacrosTest, ReturnIfErrorPropagatesTheErrorUnchanged) {
  auto halve = [](int value) -> Result<int> {
    EKTP_RETURN_IF_ERROR(check_even(value));
    return value / 2;
  };
  EXPECT_EQ(halve(10).value_or(-1), 5);
  auto odd = halve(3);
  EXPECT_ERROR(odd, ErrorCode::kFailedPrecondition, "value must be even");
  EXPECT_EQ(odd.error().message, "value must be even");
}

TEST(ErrorMacrosTest, ReturnIfErrorWorksInStatusFunctionsAndOnResults) {
  auto both = [](int value) -> Status {
    EKTP_RETURN_IF_ERROR(parse_positive(value));
    EKTP_RETURN_IF_ERROR(check_even(value));
    return {};
  };
  EXPECT_OK(both(4));
  EXPECT_ERROR(both(-2), ErrorCode::kInvalidArgument, "value must be positive");
  EXPECT_ERROR(both(5), ErrorCode::kFailedPrecondition, "value must be even");
}

TEST(ErrorMacrosTest, MacrosEvaluateTheExpressionExactlyOnce) {
  int calls = 0;
  auto counted = [&calls](auto result) {
    ++calls;
    return result;
  };
  auto add_even = [&counted](int a, int b) -> Result<int> {
    EKTP_ASSIGN_OR_RETURN(auto x, counted(parse_positive(a)));
    EKTP_RETURN_IF_ERROR(counted(check_even(b)));
    return x + b;
  };
  EXPECT_EQ(add_even(1, 2).value_or(-1), 3);
  EXPECT_EQ(calls, 2);
  calls = 0;
  EXPECT_ERROR(add_even(0, 2), ErrorCode::kInvalidArgument, "value must be positive");
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_ERROR(add_even(1, 3), ErrorCode::kFailedPrecondition, "value must be even");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace ektp
