#include "bulk_matching/agency_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/nik.h"
#include "core/splitmix64.h"
#include "support/test_support.h"

namespace ektp::bulk {
namespace {

using namespace std::chrono;
constexpr CivilDate kToday{year{2026}, November, day{23}};

// Pemalang (regency 3327), district Moga (332701).
const std::string kSiti = "3327015508900001";   // woman, 15 August 1990
const std::string kBudi = "3327011502100123";   // man, 15 February 2010
const std::string kRidwan =
    format_nik("332701", CivilDate{year{1975}, March, day{2}}, Sex::kMale, 17);

struct Collected {
  std::vector<FileRow> rows;
  FileQuality quality;
};

Result<Collected> read_file(std::string_view text, std::size_t chunk = 64 << 10,
                            AgencyFileOptions options = {}) {
  auto reader = AgencyFileReader::open(string_source(text, chunk), RegionDirectory::builtin(),
                                       kToday, options);
  if (!reader) return std::unexpected(reader.error());
  Collected out;
  FileRow row;
  while (true) {
    auto more = reader->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    out.rows.push_back(row);
  }
  out.quality = reader->quality();
  return out;
}

std::string reason_of(const FileRow& row) {
  return row.rejection ? row.rejection->invalid_reason : std::string("(accepted)");
}

TEST(AgencyFile, ReadsAValidCsvFileIntoClaims) {
  const std::string text =
      "row_id,nik,name,birth_date,birth_place,sex,mother_name,address,village_code\n"
      "A-001," + kSiti +
      ",SITI AMINAH,15-08-1990,PEMALANG,P,SUMIATI,JL. MERDEKA NO. 5,3327012001\n"
      "A-002," + kRidwan +
      ",\"H. MUHAMMAD RIDWAN, S.Pd.\",1975-03-02,Tegal,l,,\"JL. RAYA MOGA\nRT 01\",\n"
      "A-003,,BUDI SANTOSO,2/3/1988,,LAKI-LAKI,,,\n";
  const auto file = read_file(text, 5);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 3u);
  for (const auto& row : file->rows) {
    EXPECT_TRUE(row.accepted()) << reason_of(row);
  }
  const ClaimRow& siti = file->rows[0].claim;
  EXPECT_EQ(siti.record, 1u);
  EXPECT_EQ(siti.row_id, "A-001");
  EXPECT_EQ(siti.nik, kSiti);
  EXPECT_EQ(siti.name, "SITI AMINAH");
  EXPECT_EQ(siti.birth_date, (CivilDate{year{1990}, August, day{15}}));
  EXPECT_EQ(siti.birth_place, "PEMALANG");
  EXPECT_EQ(siti.sex, Sex::kFemale);
  EXPECT_EQ(siti.mother_name, "SUMIATI");
  EXPECT_EQ(siti.village_code, "3327012001");
  const ClaimRow& ridwan = file->rows[1].claim;
  EXPECT_EQ(ridwan.name, "H. MUHAMMAD RIDWAN, S.Pd.");
  EXPECT_EQ(ridwan.sex, Sex::kMale);
  EXPECT_EQ(ridwan.mother_name, std::nullopt);  // blank cell: not supplied
  EXPECT_EQ(ridwan.address, "JL. RAYA MOGA RT 01");  // the line break in the cell is a space
  EXPECT_EQ(ridwan.village_code, std::nullopt);
  const ClaimRow& budi = file->rows[2].claim;
  EXPECT_EQ(budi.nik, std::nullopt);
  EXPECT_EQ(budi.birth_date, (CivilDate{year{1988}, March, day{2}}));  // day first
  EXPECT_EQ(budi.sex, Sex::kMale);
  EXPECT_EQ(file->quality.accepted_rows, 3u);
  EXPECT_EQ(file->quality.blank_cells[static_cast<std::size_t>(Column::kNik)], 1u);
}

TEST(AgencyFile, FileWithoutRowIdIsAFileLevelError) {
  EXPECT_ERROR(read_file("nik,name\n" + kSiti + ",SITI AMINAH\n"), ErrorCode::kInvalidArgument,
               "no row_id column");
  EXPECT_ERROR(read_file("{\"nik\":\"" + kSiti + "\"}\n"), ErrorCode::kInvalidArgument,
               "no row_id key");
  EXPECT_ERROR(read_file(""), ErrorCode::kInvalidArgument, "empty");
  EXPECT_ERROR(read_file("\xEF\xBB\xBF\r\n"), ErrorCode::kInvalidArgument, "empty");
}

TEST(AgencyFile, DuplicateHeaderColumnIsAFileLevelError) {
  EXPECT_ERROR(read_file("row_id,nik,name,NIK\nA,1,B,2\n"), ErrorCode::kInvalidArgument,
               "names the column nik twice (fields 2 and 4)");
}

TEST(AgencyFile, UnreadableHeaderIsAFileLevelError) {
  EXPECT_ERROR(read_file(std::string("row_id,ni\0k\nA,1\n", 16)), ErrorCode::kInvalidArgument,
               "the header (line 1), field 2: NUL byte");
}

TEST(AgencyFile, UnknownColumnsAreIgnoredAndReportedHeaderIsCaseInsensitive) {
  const auto file = read_file(" Row_ID ,NIK,nama_lengkap,keterangan\nA-1," + kSiti + ",x,y\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 1u);
  EXPECT_TRUE(file->rows[0].accepted()) << reason_of(file->rows[0]);
  EXPECT_EQ(file->quality.unknown_columns,
            (std::vector<std::string>{"'nama_lengkap'", "'keterangan'"}));
  EXPECT_EQ(file->quality.unknown_column_count, 2u);
  const auto missing = missing_optional_columns(file->quality);
  EXPECT_EQ(missing.size(), 7u);
  EXPECT_EQ(missing.front(), Column::kName);
}

TEST(AgencyFile, RaggedRowsAreInvalidAndTheRestIsRead) {
  const auto file = read_file("row_id,nik,name\nA-1," + kSiti + "\nA-2," + kBudi +
                              ",BUDI,EXTRA\nA-3," + kBudi + ",BUDI\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(file->rows[0].rejection->result, RowResult::kInvalidRow);
  EXPECT_EQ(file->rows[0].rejection->row_id, "A-1");
  EXPECT_EQ(reason_of(file->rows[0]), "record 1 (line 2): 2 cells where the header has 3 columns");
  EXPECT_EQ(reason_of(file->rows[1]), "record 2 (line 3): 4 cells where the header has 3 columns");
  EXPECT_TRUE(file->rows[2].accepted());
  EXPECT_EQ(file->quality.ragged_rows, 2u);
  EXPECT_EQ(file->quality.invalid_rows, 2u);
}

TEST(AgencyFile, CrlfAndLfMixedAndBlankRecordsSkipped) {
  const auto file = read_file("row_id,nik\r\nA-1," + kSiti + "\r\n\r\n,\nA-2," + kBudi + "\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_EQ(file->rows[1].claim.record, 2u);
  EXPECT_EQ(file->rows[1].claim.nik, kBudi);
  EXPECT_EQ(file->quality.blank_records, 1u);  // the "," line; the empty one is no record
}

TEST(AgencyFile, NulByteMakesAnInvalidRowNamingTheColumn) {
  const std::string text = "row_id,nik,name\nA-1," + kSiti + ",SITI" + std::string(1, '\0') +
                           " AMINAH\nA-2," + kBudi + ",BUDI\n";
  const auto file = read_file(text);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_EQ(reason_of(file->rows[0]),
            "record 1 (line 2), column name (field 3): NUL byte (0x00) at byte 5 of the field");
  EXPECT_EQ(file->rows[0].rejection->row_id, "A-1");
  EXPECT_TRUE(file->rows[1].accepted());
  EXPECT_EQ(file->quality.unreadable[static_cast<std::size_t>(RecordFault::kNulByte)], 1u);
}

TEST(AgencyFile, Latin1FileIsConvertedAndReported) {
  const auto file = read_file(
      "row_id,name,birth_place\nA-1,JOS\xC9 RIZAL,CIAMIS\nA-2,JUM\x92"
      "AT,S\xC3O PAULO\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_TRUE(file->rows[0].accepted()) << reason_of(file->rows[0]);
  EXPECT_EQ(file->rows[0].claim.name, "JOS\xC3\x89 RIZAL");  // JOSÉ
  EXPECT_TRUE(file->rows[1].accepted()) << reason_of(file->rows[1]);
  EXPECT_EQ(file->rows[1].claim.name, "JUM\xE2\x80\x99" "AT");  // Windows-1252 0x92: ’
  EXPECT_EQ(file->rows[1].claim.birth_place, "S\xC3\x83O PAULO");
  EXPECT_EQ(file->quality.encoding, TextEncoding::kWindows1252);
}

TEST(AgencyFile, BomIsSeenAndHeaderStillParsed) {
  const auto file = read_file("\xEF\xBB\xBFrow_id,nik\nA-1," + kSiti + "\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 1u);
  EXPECT_TRUE(file->rows[0].accepted());
  EXPECT_TRUE(file->quality.bom_seen);
  EXPECT_EQ(file->quality.encoding, TextEncoding::kUtf8);
}

TEST(AgencyFile, OverLimitFieldIsInvalidAndTheNextRowIsStillRead) {
  AgencyFileOptions options;
  options.limits.field_bytes_max = 64;
  const auto file = read_file("row_id,name\nA-1," + std::string(200, 'A') + "\nA-2,SITI AMINAH\n",
                              16, options);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_NE(reason_of(file->rows[0]).find("column name (field 2): the field is longer than the "
                                          "limit of 64 bytes"),
            std::string::npos)
      << reason_of(file->rows[0]);
  EXPECT_TRUE(file->rows[1].accepted());
  EXPECT_EQ(file->rows[1].claim.name, "SITI AMINAH");
}

TEST(AgencyFile, DatesInBothOrdersAndImpossibleDates) {
  const auto file = read_file(
      "row_id,birth_date\nA,15-08-1990\nB,1990-08-15\nC,15/8/1990\nD,31-02-1990\nE,1990/13/01\n"
      "F,15 Agustus 1990\nG,15-08-90\nH,01-01-2030\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 8u);
  const CivilDate expected{year{1990}, August, day{15}};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(file->rows[i].accepted()) << reason_of(file->rows[i]);
    EXPECT_EQ(file->rows[i].claim.birth_date, expected);
  }
  EXPECT_EQ(reason_of(file->rows[3]),
            "record 4 (line 5), column birth_date: '31-02-1990' is not a date: month 2 of 1990 "
            "has no day 31");
  EXPECT_NE(reason_of(file->rows[4]).find("no month 13"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[5]).find("'15 Agustus 1990' is not a date"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[6]).find("four-digit year"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[7]).find("in the future"), std::string::npos);
  EXPECT_EQ(file->quality.bad_values[static_cast<std::size_t>(Column::kBirthDate)], 5u);
}

TEST(AgencyFile, SexCodesLPMFAndWords) {
  const auto file =
      read_file("row_id,sex\nA,L\nB,p\nC,M\nD,f\nE,Laki-Laki\nF,PEREMPUAN\nG,X\nH,1\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 8u);
  const Sex expected[] = {Sex::kMale, Sex::kFemale, Sex::kMale, Sex::kFemale, Sex::kMale,
                          Sex::kFemale};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(file->rows[i].accepted()) << reason_of(file->rows[i]);
    EXPECT_EQ(file->rows[i].claim.sex, expected[i]);
  }
  EXPECT_NE(reason_of(file->rows[6]).find("column sex: 'X' is not a sex"), std::string::npos);
  EXPECT_EQ(file->quality.bad_values[static_cast<std::size_t>(Column::kSex)], 2u);
}

TEST(AgencyFile, BadNiksAndEveryFaultOfTheRowInTheReason) {
  const auto file = read_file(
      "row_id,nik,name,village_code\n"
      "A,3327015508900000,SITI,3327012001\n"         // serial 0000
      "B,3.32702E+15,BUDI,3327012001\n"              // Excel turned it into a number
      "C,'" + kSiti + ",SITI AMINAH,3327012001\n"    // Excel's text apostrophe is dropped
      "D,33270155089,ANI 2,33270\n"                   // three faults
      "E,9927015508900001,ANI,3327019999\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 5u);
  EXPECT_NE(reason_of(file->rows[0]).find("column nik: "), std::string::npos);
  EXPECT_NE(reason_of(file->rows[1]).find("spreadsheet number"), std::string::npos);
  ASSERT_TRUE(file->rows[2].accepted()) << reason_of(file->rows[2]);
  EXPECT_EQ(file->rows[2].claim.nik, kSiti);
  const std::string d = reason_of(file->rows[3]);
  EXPECT_NE(d.find("record 4 (line 5), column nik: NIK must have 16 digits"), std::string::npos)
      << d;
  EXPECT_NE(d.find("; column name: character '2' at byte 5 is not allowed"), std::string::npos)
      << d;
  EXPECT_NE(d.find("; column village_code: '33270' is not a village code"), std::string::npos) << d;
  EXPECT_NE(reason_of(file->rows[4]).find("province 99"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[4]).find("3327019999 is not a village"), std::string::npos);
  EXPECT_EQ(file->quality.bad_values[static_cast<std::size_t>(Column::kNik)], 4u);
}

TEST(AgencyFile, BlankAndOverlongRowIds) {
  const auto file = read_file("row_id,nik\n," + kSiti + "\n" + std::string(80, 'R') + "," + kBudi +
                              "\n  R-3  ," + kBudi + "\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(reason_of(file->rows[0]),
            "record 1 (line 2), column row_id: is blank; every row needs its own key");
  EXPECT_EQ(file->rows[0].rejection->row_id, "");
  EXPECT_NE(reason_of(file->rows[1]).find("column row_id: 80 bytes is longer than the limit of 64"),
            std::string::npos);
  EXPECT_TRUE(file->rows[2].accepted());
  EXPECT_EQ(file->rows[2].claim.row_id, "R-3");
  EXPECT_EQ(file->quality.blank_row_ids, 1u);
}

TEST(AgencyFile, DuplicateRowIdAndDuplicateNik) {
  // A-1's second row registered nothing; A-6's first row is invalid, so neither.
  const auto file = read_file("row_id,nik,name\n"
                              "A-1," + kSiti + ",SITI AMINAH\n"
                              "A-1," + kBudi + ",BUDI\n"          // row_id repeats
                              "A-2," + kSiti + ",SITI AMINAH\n"   // NIK repeats
                              "A-3,,ANI\n"
                              "A-4,,ANI\n"                        // no NIK: not a duplicate
                              "A-5," + kBudi + ",BUDI\n"
                              "A-6,12,X\n"
                              "A-6," + kRidwan + ",RIDWAN\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 8u);
  EXPECT_TRUE(file->rows[0].accepted());
  ASSERT_FALSE(file->rows[1].accepted());
  EXPECT_EQ(file->rows[1].rejection->result, RowResult::kDuplicateInFile);
  EXPECT_EQ(file->rows[1].rejection->row_id, "A-1");
  EXPECT_EQ(reason_of(file->rows[1]),
            "record 2 (line 3): row_id 'A-1' repeats an earlier row's row_id");
  EXPECT_EQ(file->rows[2].rejection->result, RowResult::kDuplicateInFile);
  EXPECT_EQ(reason_of(file->rows[2]),
            "record 3 (line 4): nik " + kSiti + " repeats an earlier row's NIK");
  EXPECT_TRUE(file->rows[3].accepted());
  EXPECT_TRUE(file->rows[4].accepted());
  EXPECT_TRUE(file->rows[5].accepted());
  EXPECT_EQ(file->rows[6].rejection->result, RowResult::kInvalidRow);
  EXPECT_TRUE(file->rows[7].accepted()) << reason_of(file->rows[7]);
  EXPECT_EQ(file->quality.duplicate_row_ids, 1u);
  EXPECT_EQ(file->quality.duplicate_niks, 1u);
  EXPECT_EQ(file->quality.duplicate_rows, 2u);
}

TEST(AgencyFile, SemicolonFile) {
  const auto file = read_file("row_id;nik;name\nA-1;" + kSiti + ";SITI AMINAH\n");
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 1u);
  EXPECT_TRUE(file->rows[0].accepted()) << reason_of(file->rows[0]);
  EXPECT_EQ(file->quality.delimiter, ';');
}

TEST(AgencyFile, JsonLinesHappyPath) {
  const std::string text =
      "{\"row_id\":\"J-1\",\"nik\":\"" + kSiti + "\",\"name\":\"SITI AMINAH\",\"sex\":\"P\","
      "\"birth_date\":\"1990-08-15\",\"catatan\":\"x\"}\r\n"
      "\n"
      "{\"row_id\":2,\"nik\":" + kBudi + ",\"name\":\"BUDI \\u0053ANTOSO\",\"sex\":null}\n"
      "  {\"row_id\":\"J-3\",\"name\":\"JOS\\u00c9\"}";
  const auto file = read_file(text, 7);
  ASSERT_OK(file);
  EXPECT_EQ(file->quality.format, FileFormat::kJsonLines);
  ASSERT_EQ(file->rows.size(), 3u);
  for (const auto& row : file->rows) {
    EXPECT_TRUE(row.accepted()) << reason_of(row);
  }
  EXPECT_EQ(file->rows[0].claim.sex, Sex::kFemale);
  EXPECT_EQ(file->rows[1].claim.row_id, "2");
  EXPECT_EQ(file->rows[1].claim.nik, kBudi);
  EXPECT_EQ(file->rows[1].claim.name, "BUDI SANTOSO");
  EXPECT_EQ(file->rows[1].claim.sex, std::nullopt);
  EXPECT_EQ(file->rows[2].claim.name, "JOS\xC3\x89");
  EXPECT_EQ(file->rows[2].claim.record, 3u);
  EXPECT_EQ(file->quality.unknown_columns, std::vector<std::string>{"'catatan'"});
  EXPECT_FALSE(file->quality.columns[static_cast<std::size_t>(Column::kAddress)]);
}

TEST(AgencyFile, JsonLinesBadLinesAreInvalidRows) {
  const std::string text =
      "{\"row_id\":\"J-1\",\"nik\":\"" + kSiti + "\",\"name\":\"SITI\"}\n"
      "{\"row_id\":\"J-2\",\"nik\":\"" + kBudi + "\"\n"                 // not closed
      "[1,2]\n"
      "{\"row_id\":\"J-4\",\"name\":true}\n"
      "{\"row_id\":\"J-5\",\"name\":\"A\",\"name\":\"B\"}\n"
      "{\"row_id\":\"J-6\",\"name\":12}\n"
      "{\"row_id\":\"J-7\",\"address\":\"JL. MAWAR\"}\n"             // key not in line 1
      "{\"row_id\":\"J-8\",\"name\":\"ANI\"}\n";
  const auto file = read_file(text);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 8u);
  EXPECT_TRUE(file->rows[0].accepted());
  EXPECT_NE(reason_of(file->rows[1]).find("record 2 (line 2): byte "), std::string::npos)
      << reason_of(file->rows[1]);
  EXPECT_EQ(file->rows[1].rejection->row_id, "");  // the line could not be read at all
  EXPECT_NE(reason_of(file->rows[2]).find("one JSON object"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[3]).find("true and false are not accepted"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[4]).find("the key \"name\" appears twice"), std::string::npos);
  EXPECT_NE(reason_of(file->rows[5]).find("column name: a JSON number"), std::string::npos);
  EXPECT_EQ(file->rows[5].rejection->row_id, "J-6");
  EXPECT_NE(reason_of(file->rows[6]).find("the key address is not among the first line's keys"),
            std::string::npos);
  EXPECT_TRUE(file->rows[7].accepted());
  EXPECT_EQ(file->quality.invalid_rows, 6u);
}

TEST(AgencyFile, JsonLinesStrayInvalidUtf8AfterTheDetectionWindow) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {  // about 100 KiB of valid UTF-8 first
    text += "{\"row_id\":\"P-" + std::to_string(i) + "\",\"name\":\"JOS\xC3\x89 " +
            std::string(60, 'A') + "\"}\n";
  }
  text += "{\"row_id\":\"BAD\",\"name\":\"JOS\xC9\"}\n{\"row_id\":\"OK\",\"name\":\"ANI\"}\n";
  const auto file = read_file(text);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), 1002u);
  EXPECT_EQ(file->quality.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(reason_of(file->rows[1000]),
            "record 1001 (line 1001): byte 28 of the line (0xC9) is not valid UTF-8");
  EXPECT_TRUE(file->rows[1001].accepted());
  EXPECT_EQ(file->quality.unreadable[static_cast<std::size_t>(RecordFault::kInvalidUtf8)], 1u);
}

TEST(AgencyFile, JsonLinesUnreadableFirstLineIsAFileLevelError) {
  EXPECT_ERROR(read_file("{\"row_id\": \"A\", }\n"), ErrorCode::kInvalidArgument,
               "line 1: byte 17 of the line: expected a key");
}

TEST(AgencyFile, ManyRowsStreamAcrossChunkEdges) {
  std::string text = "row_id,nik,name,birth_date,sex,address\r\n";
  constexpr int kRows = 20'000;
  for (int i = 0; i < kRows; ++i) {
    const CivilDate born{year{1960 + i % 40}, month{1u + unsigned(i % 12)},
                         day{1u + unsigned(i % 28)}};
    const Sex sex = i % 2 == 0 ? Sex::kMale : Sex::kFemale;
    text += "K-" + std::to_string(i) + "," + format_nik("332701", born, sex, 1 + i % 9999) +
            ",\"H. MUHAMMAD RIDWAN, S.Pd.\"," + format_civil_date(born) + "," +
            (sex == Sex::kMale ? "L" : "P") + ",\"JL. \"\"MAWAR\"\"\nRT 0" +
            std::to_string(i % 10) + "\"" + (i % 3 == 0 ? "\n" : "\r\n");
  }
  const auto file = read_file(text, 4093);
  ASSERT_OK(file);
  ASSERT_EQ(file->rows.size(), static_cast<std::size_t>(kRows));
  std::size_t accepted = 0;
  for (const auto& row : file->rows) accepted += row.accepted() ? 1 : 0;
  EXPECT_EQ(accepted, static_cast<std::size_t>(kRows)) << reason_of(file->rows[0]);
  EXPECT_EQ(file->rows.back().claim.row_id, "K-19999");
  EXPECT_EQ(file->rows.back().claim.address, "JL. \"MAWAR\" RT 09");
  EXPECT_EQ(file->rows.back().claim.name, "H. MUHAMMAD RIDWAN, S.Pd.");
}

// Hostile bytes with tiny limits: every input either fails at the file level or yields rows that
// are each accepted or carry a reason, and the counts add up. (Run under ASan/UBSan too.)
TEST(AgencyFile, ArbitraryBytesNeverBreakTheReader) {
  static constexpr char kAlphabet[] = {',', '"', '\n', '\r', '\0', 'A', '1', '{', '}', ':', ';', ' ',
                                       '\xC3', '\x89', '\xFF', '\\', 'r', 'o', 'w', '_', 'i', 'd'};
  AgencyFileOptions options;
  options.limits = CsvLimits{8, 4, 32};
  SplitMix64 random(2026);
  for (int round = 0; round < 400; ++round) {
    std::string text = round % 2 == 0 ? "row_id,nik,name\n" : "{\"row_id\":\"x\"}\n";
    const std::size_t length = random.next() % 300;
    for (std::size_t i = 0; i < length; ++i) text += kAlphabet[random.next() % sizeof(kAlphabet)];
    const auto file = read_file(text, 1 + random.next() % 17, options);
    if (!file) continue;
    const FileQuality& q = file->quality;
    EXPECT_EQ(file->rows.size(), q.records);
    EXPECT_EQ(q.records, q.accepted_rows + q.invalid_rows + q.duplicate_rows);
    for (const auto& row : file->rows) {
      if (!row.accepted()) {
        EXPECT_FALSE(row.rejection->invalid_reason.empty());
      }
    }
  }
}

TEST(AgencyFile, QualityJsonNamesTheCounts) {
  const auto file = read_file("row_id,nik,extra\nA," + kSiti + ",\nB,12,\n,,\n");
  ASSERT_OK(file);
  const std::string json = quality_json(file->quality);
  EXPECT_NE(json.find("\"format\":\"csv\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"columns\":[\"row_id\",\"nik\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"unknown_columns\":[\"'extra'\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"bad_values\":{\"nik\":1}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"records\":2,\"blank_records\":1"), std::string::npos) << json;
}

}  // namespace
}  // namespace ektp::bulk
