#include "bulk_matching/jsonl_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ektp::bulk {
namespace {

struct Line {
  bool valid = true;
  std::uint64_t line = 0;
  std::vector<std::pair<std::string, std::string>> members;
  std::vector<JsonValueKind> kinds;
  RecordFault fault = RecordFault::kNone;
  std::string error;
};

std::vector<Line> read_all(std::string_view text, std::size_t chunk = 64 << 10,
                           CsvLimits limits = {}) {
  JsonlReader reader(DecodedInput(string_source(text, chunk)), limits);
  std::vector<Line> out;
  while (true) {
    auto more = reader.next();
    EXPECT_TRUE(more.has_value());
    if (!more || !*more) break;
    const JsonlRecord& r = reader.record();
    Line line;
    line.valid = r.valid;
    line.line = r.line;
    line.fault = r.fault;
    line.error = r.error;
    for (const auto& m : r.members) {
      line.members.emplace_back(std::string(m.key), std::string(m.value));
      line.kinds.push_back(m.kind);
    }
    out.push_back(std::move(line));
  }
  return out;
}

using Members = std::vector<std::pair<std::string, std::string>>;

TEST(JsonlReader, DecodesStringsNumbersAndNull) {
  const std::string text =
      " { \"row_id\" : \"A\\\"1\\\\\" , \"nik\": 3327015508900001, \"x\": null,"
      " \"name\": \"JOS\\u00C9 \\uD83D\\uDE00\\t\\/\" }\r\n";
  for (const std::size_t chunk : {1u, 4u, 64u << 10}) {
    const auto lines = read_all(text, chunk);
    ASSERT_EQ(lines.size(), 1u);
    ASSERT_TRUE(lines[0].valid) << lines[0].error;
    EXPECT_EQ(lines[0].members, (Members{{"row_id", "A\"1\\"},
                                         {"nik", "3327015508900001"},
                                         {"x", ""},
                                         {"name", "JOS\xC3\x89 \xF0\x9F\x98\x80\t/"}}));
    EXPECT_EQ(lines[0].kinds[1], JsonValueKind::kNumber);
    EXPECT_EQ(lines[0].kinds[2], JsonValueKind::kNull);
  }
}

TEST(JsonlReader, EmptyObjectAndBlankLines) {
  const auto lines = read_all("\n  \n{}\n\t\n{\"a\":\"b\"}");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].valid);
  EXPECT_TRUE(lines[0].members.empty());
  EXPECT_EQ(lines[0].line, 3u);
  EXPECT_EQ(lines[1].line, 5u);
}

TEST(JsonlReader, BadLinesSayWhatAndWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"a\":\"b\",}", "byte 10 of the line: expected a key"},
      {"{\"a\" \"b\"}", "expected ':'"},
      {"{\"a\":\"b\"} x", "text after the end"},
      {"{\"a\":\"b", "never closed"},
      {"{\"a\":\"b\\x\"}", "'\\x' is not a JSON escape"},
      {"{\"a\":\"\\uD800\"}", "high surrogate without its pair"},
      {"{\"a\":\"\\uDC00\"}", "lone low surrogate"},
      {"{\"a\":\"\\u0000\"}", "NUL"},
      {"{\"a\":\"tab\there\"}", "control character in a string must be escaped"},
      {"{\"a\":01}", "expected ',' or '}'"},
      {"{\"a\":-}", "a number needs digits"},
      {"{\"a\":[1]}", "nested objects and arrays"},
      {"{\"a\":false}", "true and false"},
      {"\"just a string\"", "one JSON object"},
  };
  for (const auto& [text, expected] : cases) {
    const auto lines = read_all(text + "\n{\"ok\":\"yes\"}\n");
    ASSERT_EQ(lines.size(), 2u) << text;
    EXPECT_FALSE(lines[0].valid) << text;
    EXPECT_NE(lines[0].error.find(expected), std::string::npos) << text << " → " << lines[0].error;
    EXPECT_TRUE(lines[1].valid) << text;
  }
}

TEST(JsonlReader, LimitsOnLineMembersAndValues) {
  CsvLimits limits;
  limits.record_bytes_max = 64;
  limits.fields_max = 3;
  limits.field_bytes_max = 10;
  const std::string text = "{\"a\":\"" + std::string(100, 'x') + "\"}\n" +
                           "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}\n" +
                           "{\"a\":\"12345678901\"}\n{\"a\":\"ok\"}\n";
  const auto lines = read_all(text, 5, limits);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].fault, RecordFault::kRecordTooLong);
  EXPECT_NE(lines[1].error.find("more than the limit of 3 members"), std::string::npos);
  EXPECT_NE(lines[2].error.find("longer than the limit of 10 bytes"), std::string::npos);
  EXPECT_TRUE(lines[3].valid);
  EXPECT_EQ(lines[3].line, 4u);
}

TEST(JsonlReader, DuplicateKeyIsInvalid) {
  const auto lines = read_all("{\"nik\":\"1\",\"nik\":\"2\"}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].fault, RecordFault::kDuplicateKey);
}

}  // namespace
}  // namespace ektp::bulk
