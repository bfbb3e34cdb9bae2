#include "bulk_matching/result_writer.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bulk_matching/csv_reader.h"
#include "bulk_matching/jsonl_reader.h"
#include "support/test_support.h"

namespace ektp::bulk {
namespace {

std::array<bool, kColumnCount> columns_of(std::initializer_list<Column> list) {
  std::array<bool, kColumnCount> columns{};
  for (const Column c : list) columns[static_cast<std::size_t>(c)] = true;
  return columns;
}

RowOutcome outcome(std::string row_id, RowResult result) {
  RowOutcome o;
  o.row_id = std::move(row_id);
  o.result = result;
  return o;
}

void set(RowOutcome& o, Column c, FieldVerdict v) { o.verdicts[static_cast<std::size_t>(c)] = v; }

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  CsvReader reader(DecodedInput(string_source(text)));
  std::vector<std::vector<std::string>> rows;
  while (reader.next().value()) {
    EXPECT_TRUE(reader.record().valid) << reader.record().error;
    rows.emplace_back(reader.record().fields.begin(), reader.record().fields.end());
  }
  return rows;
}

// Three rows with everything a result can hold, and hostile agency text.
std::vector<RowOutcome> sample_outcomes() {
  std::vector<RowOutcome> rows;
  RowOutcome a = outcome("A-001", RowResult::kMatch);
  set(a, Column::kNik, FieldVerdict::kSesuai);
  set(a, Column::kName, FieldVerdict::kSesuai);
  set(a, Column::kBirthDate, FieldVerdict::kSesuai);
  a.name_score = 0.98765;
  rows.push_back(a);
  RowOutcome b =
      outcome("=HYPERLINK(\"http://x.example\",\"klik\")", RowResult::kMatchFieldsDiffer);
  set(b, Column::kNik, FieldVerdict::kSesuai);
  set(b, Column::kName, FieldVerdict::kTidakSesuai);
  b.name_score = 0.5;
  rows.push_back(b);
  RowOutcome c = outcome("+1", RowResult::kFoundByDemographics);
  set(c, Column::kName, FieldVerdict::kSesuai);
  c.name_score = 1.0;
  c.matched_nik = "3327015508900001";
  rows.push_back(c);
  rows.push_back(outcome("-2", RowResult::kNotFound));
  RowOutcome e = outcome("@SUM(A1:A9)", RowResult::kInvalidRow);
  e.invalid_reason = "record 5 (line 6), column birth_date: '31-02-1990' is not a date";
  rows.push_back(e);
  RowOutcome f = outcome("R, \"6\"\nnext", RowResult::kDuplicateInFile);
  f.invalid_reason = "=cmd|' /C calc'!A0";
  rows.push_back(f);
  rows.push_back(outcome("\tTAB", RowResult::kDeceased));
  return rows;
}

std::string write_all(ResultFormat format, const std::vector<RowOutcome>& rows,
                      std::array<bool, kColumnCount> columns) {
  std::ostringstream out;
  ResultWriter writer(out, format, columns);
  for (const auto& row : rows) {
    EXPECT_OK(writer.write(row));
  }
  EXPECT_OK(writer.finish());
  EXPECT_EQ(writer.rows_written(), rows.size());
  return out.str();
}

const auto kColumns = columns_of({Column::kRowId, Column::kNik, Column::kName, Column::kBirthDate});

TEST(ResultWriter, HeaderHasOnlyTheSuppliedColumns) {
  EXPECT_EQ(write_all(ResultFormat::kCsv, {}, kColumns),
            "row_id,result,nik_verdict,name_verdict,birth_date_verdict,name_score,matched_nik,"
            "reason\r\n");
  EXPECT_EQ(write_all(ResultFormat::kCsv, {}, columns_of({Column::kRowId, Column::kMotherName})),
            "row_id,result,mother_name_verdict,name_score,matched_nik,reason\r\n");
  EXPECT_EQ(write_all(ResultFormat::kJsonLines, {}, kColumns), "");
}

TEST(ResultWriter, CsvLinesNeutraliseFormulasAndQuote) {
  const std::string csv = write_all(ResultFormat::kCsv, sample_outcomes(), kColumns);
  std::istringstream lines(csv);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_GE(got.size(), 8u);
  EXPECT_EQ(got[1], "A-001,match,sesuai,sesuai,sesuai,0.988,,\r");
  EXPECT_EQ(got[2],
            "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"klik\"\")\",match_fields_differ,sesuai,"
            "tidak_sesuai,,0.500,,\r");
  EXPECT_EQ(got[3], "\"'+1\",found_by_demographics,,sesuai,,1.000,3327015508900001,\r");
  EXPECT_EQ(got[4], "\"'-2\",not_found,,,,,,\r");
  EXPECT_EQ(got[5],
            "\"'@SUM(A1:A9)\",invalid_row,,,,,,\"record 5 (line 6), column birth_date: "
            "'31-02-1990' is not a date\"\r");
  EXPECT_EQ(got[6], "\"R, \"\"6\"\"");  // the quoted newline splits this getline
  EXPECT_EQ(got[7], "next\",duplicate_in_file,,,,,,\"'=cmd|' /C calc'!A0\"\r");
  EXPECT_EQ(got[8], "\"'\tTAB\",deceased,,,,,,\r");
}

TEST(ResultWriter, FieldHelper) {
  std::string out;
  append_csv_field(out, "plain");
  append_csv_field(out, "-5", false);
  append_csv_field(out, "a,b");
  append_csv_field(out, "\r");
  EXPECT_EQ(out, "plain-5\"a,b\"\"'\r\"");
  EXPECT_FALSE(needs_formula_neutralising("SITI"));
  EXPECT_FALSE(needs_formula_neutralising(""));
  EXPECT_TRUE(needs_formula_neutralising("=1+1"));
}

TEST(ResultWriter, CsvRoundTripThroughTheReader) {
  const auto rows = sample_outcomes();
  const auto parsed = parse_csv(write_all(ResultFormat::kCsv, rows, kColumns));
  ASSERT_EQ(parsed.size(), rows.size() + 1);
  EXPECT_EQ(parsed[0], result_field_names(kColumns));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& cells = parsed[i + 1];
    ASSERT_EQ(cells.size(), 8u);
    const std::string expected_id =
        needs_formula_neutralising(rows[i].row_id) ? "'" + rows[i].row_id : rows[i].row_id;
    EXPECT_EQ(cells[0], expected_id);
    EXPECT_EQ(parse_row_result(cells[1]), rows[i].result);
    EXPECT_EQ(cells[3],
              field_verdict_id(rows[i].verdicts[static_cast<std::size_t>(Column::kName)]));
    if (rows[i].name_score) {
      EXPECT_NEAR(std::stod(cells[5]), *rows[i].name_score, 0.0005);
    } else {
      EXPECT_EQ(cells[5], "");
    }
    EXPECT_EQ(cells[6], rows[i].matched_nik.value_or(""));
    const std::string expected_reason = needs_formula_neutralising(rows[i].invalid_reason)
                                            ? "'" + rows[i].invalid_reason
                                            : rows[i].invalid_reason;
    EXPECT_EQ(cells[7], expected_reason);
  }
}

TEST(ResultWriter, JsonLinesRoundTripThroughTheReader) {
  const auto rows = sample_outcomes();
  const std::string text = write_all(ResultFormat::kJsonLines, rows, kColumns);
  JsonlReader reader(DecodedInput(string_source(text)));
  std::size_t i = 0;
  while (reader.next().value()) {
    ASSERT_LT(i, rows.size());
    const JsonlRecord& r = reader.record();
    ASSERT_TRUE(r.valid) << r.error;
    ASSERT_EQ(r.members.size(), 8u);
    EXPECT_EQ(r.members[0].key, "row_id");
    EXPECT_EQ(r.members[0].value, rows[i].row_id);  // no neutralising in JSON
    EXPECT_EQ(r.members[1].value, row_result_id(rows[i].result));
    EXPECT_EQ(r.members[3].key, "name_verdict");
    EXPECT_EQ(r.members[5].key, "name_score");
    EXPECT_EQ(r.members[5].kind,
              rows[i].name_score ? JsonValueKind::kNumber : JsonValueKind::kNull);
    EXPECT_EQ(r.members[7].value, rows[i].invalid_reason);
    ++i;
  }
  EXPECT_EQ(i, rows.size());
}

// The issue asks that the CSV results open in a parser the project did not write.
TEST(ResultWriter, PythonCsvModuleReadsTheResultsBack) {
  if (std::system("python3 -c 'import csv, binascii' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 is not installed";
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ektp_result_writer_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto csv_path = dir / "results.csv";
  const auto out_path = dir / "parsed.txt";
  auto rows = sample_outcomes();
  rows.push_back(outcome("JOS\xC3\x89 ', \"\"", RowResult::kMatch));
  {
    std::ofstream file(csv_path, std::ios::binary);
    ResultWriter writer(file, ResultFormat::kCsv, kColumns);
    for (const auto& row : rows) {
      ASSERT_OK(writer.write(row));
    }
    ASSERT_OK(writer.finish());
  }
  const std::string command =
      "python3 -c \"import csv, binascii, sys\n"
      "with open(sys.argv[1], newline='', encoding='utf-8') as f, open(sys.argv[2], 'w') as out:\n"
      "    for row in csv.reader(f):\n"
      "        out.write(' '.join(binascii.hexlify(c.encode('utf-8')).decode() or '-' for c in row)"
      " + chr(10))\n\" " +
      csv_path.string() + " " + out_path.string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream parsed(out_path);
  std::vector<std::vector<std::string>> cells;
  for (std::string line; std::getline(parsed, line);) {
    std::vector<std::string> row;
    std::istringstream words(line);
    for (std::string hex; words >> hex;) {
      std::string value;
      for (std::size_t k = 0; hex != "-" && k + 1 < hex.size(); k += 2) {
        value.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
      }
      row.push_back(value);
    }
    cells.push_back(row);
  }
  std::filesystem::remove_all(dir);
  ASSERT_EQ(cells.size(), rows.size() + 1);
  EXPECT_EQ(cells[0], result_field_names(kColumns));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(cells[i + 1].size(), 8u) << i;
    const std::string expected_id =
        needs_formula_neutralising(rows[i].row_id) ? "'" + rows[i].row_id : rows[i].row_id;
    EXPECT_EQ(cells[i + 1][0], expected_id) << i;
    EXPECT_EQ(cells[i + 1][1], row_result_id(rows[i].result));
    const std::string expected_reason = needs_formula_neutralising(rows[i].invalid_reason)
                                            ? "'" + rows[i].invalid_reason
                                            : rows[i].invalid_reason;
    EXPECT_EQ(cells[i + 1][7], expected_reason) << i;
  }
  EXPECT_EQ(cells[2][0], "'=HYPERLINK(\"http://x.example\",\"klik\")");
  EXPECT_EQ(cells[6][0], "R, \"6\"\nnext");
  EXPECT_EQ(cells[8][0], "JOS\xC3\x89 ', \"\"");
}

}  // namespace
}  // namespace ektp::bulk
