#include "bulk_matching/bulk_row.h"

#include <gtest/gtest.h>

namespace ektp::bulk {
namespace {

TEST(BulkRow, EveryColumnNameParsesBackToItsColumn) {
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    const auto column = static_cast<Column>(i);
    EXPECT_EQ(parse_column_name(column_name(column)), column) << column_name(column);
  }
  EXPECT_EQ(parse_column_name("  birth_date\t"), Column::kBirthDate);
  EXPECT_EQ(parse_column_name("NIK"), std::nullopt);  // header names are exact, lower case
  EXPECT_EQ(parse_column_name("nama"), std::nullopt);
  EXPECT_EQ(parse_column_name(""), std::nullopt);
}

TEST(BulkRow, EveryResultIdParsesBackToItsResult) {
  for (std::size_t i = 0; i < kRowResultCount; ++i) {
    const auto result = static_cast<RowResult>(i);
    EXPECT_EQ(parse_row_result(row_result_id(result)), result) << row_result_id(result);
  }
  EXPECT_EQ(row_result_id(RowResult::kFoundByDemographics), "found_by_demographics");
  EXPECT_EQ(parse_row_result("matched"), std::nullopt);
  EXPECT_EQ(field_verdict_id(FieldVerdict::kTidakSesuai), "tidak_sesuai");
  EXPECT_EQ(field_verdict_id(FieldVerdict::kNotSupplied), "");
}

}  // namespace
}  // namespace ektp::bulk
