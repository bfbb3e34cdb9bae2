#include "bulk_matching/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace ektp::bulk {
namespace {

struct Read {
  bool valid = true;
  std::uint64_t line = 0;
  std::vector<std::string> fields;
  RecordFault fault = RecordFault::kNone;
  std::size_t error_field = 0;
  std::string error;
};

std::vector<Read> read_all(std::string_view text, std::size_t chunk = 64 << 10,
                           CsvLimits limits = {}, char delimiter = ',',
                           TextEncoding* encoding = nullptr) {
  CsvReader reader(DecodedInput(string_source(text, chunk)), limits, delimiter);
  std::vector<Read> out;
  while (true) {
    auto more = reader.next();
    EXPECT_TRUE(more.has_value());
    if (!more || !*more) break;
    const CsvRecord& r = reader.record();
    Read read;
    read.valid = r.valid;
    read.line = r.line;
    read.fault = r.fault;
    read.error_field = r.error_field;
    read.error = r.error;
    for (const auto f : r.fields) read.fields.emplace_back(f);
    out.push_back(std::move(read));
  }
  if (encoding != nullptr) *encoding = reader.input().encoding();
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsPlainRecordsAtEveryChunkSize) {
  const std::string text = "row_id,nik,name\nR1,3327015508900001,SITI AMINAH\nR2,,BUDI\n";
  for (const std::size_t chunk : {1u, 2u, 3u, 7u, 64u << 10}) {
    const auto records = read_all(text, chunk);
    ASSERT_EQ(records.size(), 3u) << chunk;
    EXPECT_EQ(records[0].fields, (Fields{"row_id", "nik", "name"}));
    EXPECT_EQ(records[1].fields, (Fields{"R1", "3327015508900001", "SITI AMINAH"}));
    EXPECT_EQ(records[2].fields, (Fields{"R2", "", "BUDI"}));
    EXPECT_EQ(records[2].line, 3u);
  }
}

TEST(CsvReader, QuotedFieldsKeepCommasDoubledQuotesAndNewlines) {
  const std::string text =
      "row_id,name,address\r\n"
      "R1,\"H. MUHAMMAD RIDWAN, S.Pd.\",\"JL. MERDEKA NO. 5\r\nRT 001\"\r\n"
      "R2,\"ABDUL \"\"UDIN\"\" HAKIM\",\"\"\n"
      "R3,x,\"multi\nline\nfield\"\n"
      "R4,last,\"\"";
  for (const std::size_t chunk : {1u, 5u, 64u << 10}) {
    const auto records = read_all(text, chunk);
    ASSERT_EQ(records.size(), 5u) << chunk;
    EXPECT_TRUE(records[1].valid) << records[1].error;
    EXPECT_EQ(records[1].fields,
              (Fields{"R1", "H. MUHAMMAD RIDWAN, S.Pd.", "JL. MERDEKA NO. 5\r\nRT 001"}));
    EXPECT_EQ(records[2].fields, (Fields{"R2", "ABDUL \"UDIN\" HAKIM", ""}));
    EXPECT_EQ(records[2].line, 4u);  // the line break inside R1's quotes counts
    EXPECT_EQ(records[3].fields, (Fields{"R3", "x", "multi\nline\nfield"}));
    EXPECT_EQ(records[4].line, 8u);
    EXPECT_EQ(records[4].fields, (Fields{"R4", "last", ""}));
  }
}

TEST(CsvReader, MixedLineEndsAndEmptyLines) {
  const auto records = read_all("a,b\r\nc,d\ne,f\rg,h\r\n\r\n\n,\n");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1].fields, (Fields{"c", "d"}));
  EXPECT_EQ(records[2].fields, (Fields{"e", "f"}));
  EXPECT_EQ(records[3].fields, (Fields{"g", "h"}));
  EXPECT_EQ(records[4].fields, (Fields{"", ""}));  // a line of one comma is a record
  EXPECT_EQ(records[4].line, 7u);
}

TEST(CsvReader, TrailingDelimiterMakesAnEmptyLastField) {
  const auto records = read_all("a,b,\nc,,");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", ""}));
  EXPECT_EQ(records[1].fields, (Fields{"c", "", ""}));
}

TEST(CsvReader, NulByteMakesTheRecordInvalidAndNamesTheByte) {
  const std::string text = std::string("a,b\nR1,AB\0CD\nR2,ok\n\"q\0\",x\n", 26);
  const auto records = read_all(text);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_FALSE(records[1].valid);
  EXPECT_EQ(records[1].fault, RecordFault::kNulByte);
  EXPECT_EQ(records[1].error_field, 2u);
  EXPECT_NE(records[1].error.find("NUL byte (0x00) at byte 3"), std::string::npos)
      << records[1].error;
  EXPECT_TRUE(records[2].valid);
  EXPECT_EQ(records[2].fields, (Fields{"R2", "ok"}));
  EXPECT_FALSE(records[3].valid);  // inside quotes too
  EXPECT_EQ(records[3].error_field, 1u);
}

TEST(CsvReader, BareQuoteInUnquotedFieldIsKeptLiterally) {
  const auto records = read_all("a,b\nR1,JL. \"MAWAR\" 5\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[1].valid);
  EXPECT_EQ(records[1].fields, (Fields{"R1", "JL. \"MAWAR\" 5"}));
}

TEST(CsvReader, TextAfterClosingQuoteIsInvalidAndReadingGoesOn) {
  const auto records = read_all("a,b\nR1,\"SITI\"AMINAH\nR2,ok\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[1].valid);
  EXPECT_EQ(records[1].fault, RecordFault::kBadQuote);
  EXPECT_EQ(records[1].error_field, 2u);
  EXPECT_NE(records[1].error.find("'A' after the closing quote"), std::string::npos);
  EXPECT_EQ(records[2].fields, (Fields{"R2", "ok"}));
}

TEST(CsvReader, UnterminatedQuoteAtEndIsInvalid) {
  const auto records = read_all("a,b\nR1,\"never closed\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[1].valid);
  EXPECT_EQ(records[1].fault, RecordFault::kUnterminatedQuote);
  EXPECT_NE(records[1].error.find("opened on line 2"), std::string::npos);
}

TEST(CsvReader, OverLongFieldIsInvalidAndTheNextRecordIsRead) {
  CsvLimits limits;
  limits.field_bytes_max = 16;
  const std::string text = "a,b\nR1," + std::string(40, 'X') + "\nR2,\"" + std::string(20, 'Y') +
                           "\nstill quoted\"\nR3,ok\n";
  for (const std::size_t chunk : {3u, 64u << 10}) {
    const auto records = read_all(text, chunk, limits);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_FALSE(records[1].valid);
    EXPECT_EQ(records[1].fault, RecordFault::kFieldTooLong);
    EXPECT_EQ(records[1].error_field, 2u);
    EXPECT_NE(records[1].error.find("limit of 16 bytes"), std::string::npos);
    EXPECT_FALSE(records[2].valid);  // quotes are still followed: its newline is inside
    EXPECT_EQ(records[3].fields, (Fields{"R3", "ok"}));
    EXPECT_EQ(records[3].line, 5u);
  }
}

TEST(CsvReader, OverLongRecordAndUnterminatedQuoteResynchroniseAtALineEnd) {
  CsvLimits limits;
  limits.record_bytes_max = 64;
  std::string text = "a,b\nR1," + std::string(100, 'Z') + "\nR2,ok\nR3,\"open quote\n";
  for (int i = 0; i < 20; ++i) text += "R" + std::to_string(10 + i) + ",filler line\n";
  const auto records = read_all(text, 7, limits);
  ASSERT_GE(records.size(), 5u);
  EXPECT_FALSE(records[1].valid);
  EXPECT_EQ(records[1].fault, RecordFault::kRecordTooLong);
  EXPECT_EQ(records[2].fields, (Fields{"R2", "ok"}));
  EXPECT_FALSE(records[3].valid);  // the open quote swallowed lines until 64 bytes...
  EXPECT_EQ(records[3].fault, RecordFault::kRecordTooLong);
  // ...and then reading resumed at a line end: the last lines are records again.
  EXPECT_EQ(records.back().fields, (Fields{"R29", "filler line"}));
  EXPECT_TRUE(records.back().valid);
}

TEST(CsvReader, TooManyFieldsIsInvalid) {
  CsvLimits limits;
  limits.fields_max = 4;
  const auto records = read_all("a,b\n1,2,3,4,5,6\nR2,ok\n", 64 << 10, limits);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[1].valid);
  EXPECT_EQ(records[1].fault, RecordFault::kTooManyFields);
  EXPECT_EQ(records[2].fields, (Fields{"R2", "ok"}));
}

TEST(CsvReader, StrayInvalidUtf8InAUtf8FileInvalidatesOnlyItsRecord) {
  std::string text = "row_id,name\nR1,JOS\xC3\x89\n";
  text += std::string(70 << 10, ' ').replace(0, 4, "R2,A") + "\n";  // past the detection window
  text += "R3,JOS\xC9\nR4,ok\n";
  TextEncoding encoding = TextEncoding::kWindows1252;
  const auto records = read_all(text, 64 << 10, CsvLimits{1 << 20, 64, 1 << 20}, ',', &encoding);
  EXPECT_EQ(encoding, TextEncoding::kUtf8);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1].fields[1], "JOS\xC3\x89");
  EXPECT_FALSE(records[3].valid);
  EXPECT_EQ(records[3].fault, RecordFault::kInvalidUtf8);
  EXPECT_EQ(records[3].error_field, 2u);
  EXPECT_NE(records[3].error.find("byte 4 of the field (0xC9)"), std::string::npos)
      << records[3].error;
  EXPECT_TRUE(records[4].valid);
}

TEST(CsvReader, Latin1FileIsDetectedAndConverted) {
  TextEncoding encoding = TextEncoding::kUtf8;
  const auto records =
      read_all("row_id,name\nR1,JOS\xC9 RAM\xCDREZ\nR2,\x93quoted\x94\n", 4, {}, ',', &encoding);
  EXPECT_EQ(encoding, TextEncoding::kWindows1252);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields[1], "JOS\xC3\x89 RAM\xC3\x8DREZ");  // JOSÉ RAMÍREZ
  EXPECT_EQ(records[2].fields[1], "\xE2\x80\x9Cquoted\xE2\x80\x9D");  // Windows-1252 “ ”
}

TEST(CsvReader, Utf8BomIsDroppedAndUtf16Refused) {
  CsvReader reader(DecodedInput(string_source("\xEF\xBB\xBFrow_id,nik\nR1,1\n")));
  ASSERT_TRUE(reader.next().value());
  EXPECT_EQ(reader.record().fields[0], "row_id");
  EXPECT_TRUE(reader.input().bom_seen());

  const std::string utf16_text("\xFF\xFEr\0o\0", 6);  // the source reads it in place
  CsvReader utf16(DecodedInput(string_source(utf16_text)));
  const auto result = utf16.next();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("UTF-16"), std::string::npos);
}

TEST(CsvReader, SemicolonDelimiterIsDetectedFromTheHeader) {
  const auto records = read_all("row_id;nik;name\nR1;3327015508900001;SITI, AMINAH\n", 64 << 10,
                                {}, '\0');
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"R1", "3327015508900001", "SITI, AMINAH"}));
  const auto commas = read_all("row_id,nik;x\nR1,2;3\n", 64 << 10, {}, '\0');
  EXPECT_EQ(commas[1].fields, (Fields{"R1", "2;3"}));
}

TEST(CsvReader, ExcelSepLineSetsTheDelimiterAndIsSkipped) {
  CsvReader reader(DecodedInput(string_source("sep=;\r\nrow_id;name\r\nR1;SITI, AMINAH\r\n")),
                   {}, '\0');
  ASSERT_TRUE(reader.next().value());
  EXPECT_EQ(reader.record().fields, (std::vector<std::string_view>{"row_id", "name"}));
  EXPECT_EQ(reader.record().line, 2u);
  ASSERT_TRUE(reader.next().value());
  EXPECT_EQ(reader.record().fields, (std::vector<std::string_view>{"R1", "SITI, AMINAH"}));
  EXPECT_FALSE(reader.next().value());
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(reader.records_read(), 2u);
}

TEST(CsvReader, ReadsFromAnIstream) {
  std::istringstream in("a,b\n1,2\n");
  CsvReader reader(DecodedInput(istream_source(in)));
  int n = 0;
  while (reader.next().value()) ++n;
  EXPECT_EQ(n, 2);
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\n\r\n").empty());
}

}  // namespace
}  // namespace ektp::bulk
