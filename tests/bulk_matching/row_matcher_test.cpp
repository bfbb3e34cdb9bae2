#include "bulk_matching/row_matcher.h"

#include <gtest/gtest.h>

#include <cmath>

#include "bulk_matching/field_keys.h"
#include "bulk_matching/row_comparison.h"

namespace ektp::bulk {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

CivilDate date(int y, unsigned m, unsigned d) { return CivilDate{year{y}, month{m}, day{d}}; }

struct P {
  std::string nik;
  std::string name;
  CivilDate birth;
  Sex sex = Sex::kMale;
  std::string mother = "SITI AMINAH";
  bool alive = true;
  std::string village = "3327010001";
};

RegisterIndex index_of(const std::vector<P>& people) {
  RegisterIndexBuilder builder;
  for (const P& p : people) {
    RegisterEntry e;
    e.nik = p.nik;
    e.name = p.name;
    e.birth_date = p.birth;
    e.birth_place = "PEMALANG";
    e.sex = p.sex;
    e.mother_name = p.mother;
    e.address = "JL. MERDEKA NO. 5";
    e.village_code = p.village;
    e.alive = p.alive;
    EXPECT_TRUE(builder.add(e));
  }
  auto index = builder.finish();
  EXPECT_TRUE(index);
  return std::move(*index);
}

// A register with background persons so that the blocks are not trivially small.
std::vector<P> town() {
  std::vector<P> people = {
      {"3327010703800001", "SUYONO", date(1980, 3, 7), Sex::kMale, "PAINEM"},
      {"3327010101750001", "BUDI SANTOSO", date(1975, 1, 1), Sex::kMale, "SUMIATI"},
      {"3327015212850001", "SITI AMINAH", date(1985, 12, 12), Sex::kFemale, "KHADIJAH"},
      {"3327010505900001", "AHMAD FAUZI", date(1990, 5, 5), Sex::kMale, "HALIMAH"},
      {"3327010606600001", "SLAMET", date(1960, 6, 6), Sex::kMale, "TUMINAH", false},
      {"3327010909700001", "WAHYU HIDAYAT", date(1970, 9, 9), Sex::kMale, "SARMI"},
      {"3327014404880001", "ENDANG LESTARI", date(1988, 4, 4), Sex::kFemale, "KARSIH"},
  };
  const char* given[] = {"AGUS", "EKO", "JOKO", "HERU", "RUDI", "TEGUH", "BAYU", "ANDI"};
  const char* second[] = {"WIBOWO", "SETIAWAN", "PRASETYO", "NUGROHO", "SAPUTRA"};
  int serial = 1;
  for (const char* g : given) {
    for (const char* s : second) {
      for (int y = 1970; y < 1990; y += 3) {
        const std::string nik =
            "3327020" + std::to_string(1000 + y) + std::to_string(10000 + serial++);
        people.push_back({nik, std::string(g) + " " + s, date(y, 1 + serial % 12, 1 + serial % 28),
                          Sex::kMale, "SUKINAH"});
      }
    }
  }
  return people;
}

ClaimRow claim(std::optional<std::string> nik, std::string name, CivilDate birth) {
  ClaimRow row;
  row.record = 1;
  row.row_id = "A1";
  row.nik = std::move(nik);
  row.name = std::move(name);
  row.birth_date = birth;
  return row;
}

ClaimRow claim_row_of(const std::string& name) {
  ClaimRow row;
  row.name = name;
  row.birth_date = date(1980, 1, 1);
  return row;
}

FieldVerdict verdict(const RowOutcome& o, Column c) {
  return o.verdicts[static_cast<std::size_t>(c)];
}

class RowMatcher : public ::testing::Test {
 protected:
  RegisterIndex index_ = index_of(town());
  MatchOptions options_;
};

TEST_F(RowMatcher, NikRowWhoseFieldsAllAgreeMatches) {
  ClaimRow row = claim("3327010101750001", "Budi Santoso", date(1975, 1, 1));
  row.sex = Sex::kMale;
  row.mother_name = "SUMIATI";
  row.birth_place = "Kab. Pemalang";
  row.address = "Jalan Merdeka Nomor 5";
  row.village_code = "3327010001";
  const RowOutcome o = match_row(row, index_, options_);
  EXPECT_EQ(o.result, RowResult::kMatch);
  EXPECT_EQ(o.row_id, "A1");
  EXPECT_EQ(o.record, 1u);
  for (Column c : {Column::kNik, Column::kName, Column::kBirthDate, Column::kBirthPlace,
                   Column::kSex, Column::kMotherName, Column::kAddress, Column::kVillageCode}) {
    EXPECT_EQ(verdict(o, c), FieldVerdict::kSesuai) << column_name(c);
  }
  EXPECT_EQ(verdict(o, Column::kRowId), FieldVerdict::kNotSupplied);
  ASSERT_TRUE(o.name_score);
  EXPECT_DOUBLE_EQ(*o.name_score, 1.0);
  EXPECT_EQ(o.matched_nik, std::nullopt);
}

TEST_F(RowMatcher, NikRowWithADifferentFieldSaysWhich) {
  ClaimRow row = claim("3327010101750001", "BUDI SANTOSO", date(1975, 1, 2));
  row.sex = Sex::kFemale;
  row.mother_name = "SUMIATI";
  const RowOutcome o = match_row(row, index_, options_);
  EXPECT_EQ(o.result, RowResult::kMatchFieldsDiffer);
  EXPECT_EQ(verdict(o, Column::kName), FieldVerdict::kSesuai);
  EXPECT_EQ(verdict(o, Column::kBirthDate), FieldVerdict::kTidakSesuai);
  EXPECT_EQ(verdict(o, Column::kSex), FieldVerdict::kTidakSesuai);
  EXPECT_EQ(verdict(o, Column::kMotherName), FieldVerdict::kSesuai);
  EXPECT_EQ(verdict(o, Column::kBirthPlace), FieldVerdict::kNotSupplied);

  const RowOutcome other = match_row(claim("3327010101750001", "AGUS SALIM", date(1975, 1, 1)),
                                     index_, options_);
  EXPECT_EQ(other.result, RowResult::kMatchFieldsDiffer);
  EXPECT_EQ(verdict(other, Column::kName), FieldVerdict::kTidakSesuai);
  EXPECT_LT(*other.name_score, 0.85);
}

TEST_F(RowMatcher, NikOfADeadPersonIsDeceased) {
  const RowOutcome o = match_row(claim("3327010606600001", "SLAMET", date(1960, 6, 6)), index_,
                                 options_);
  EXPECT_EQ(o.result, RowResult::kDeceased);
  EXPECT_EQ(verdict(o, Column::kName), FieldVerdict::kSesuai);
}

TEST_F(RowMatcher, OldSpellingWithSwappedDayAndMonthIsFoundByDemographics) {
  ClaimRow row = claim(std::nullopt, "SOEJONO", date(1980, 7, 3));  // register: SUYONO, 7 March
  row.sex = Sex::kMale;
  row.mother_name = "PAINEM";
  const MatchDetail d = match_row_detailed(row, index_, options_);
  EXPECT_EQ(d.outcome.result, RowResult::kFoundByDemographics);
  EXPECT_TRUE(d.by_demographics);
  EXPECT_EQ(d.outcome.matched_nik, std::nullopt);  // not allowed by default
  EXPECT_EQ(verdict(d.outcome, Column::kName), FieldVerdict::kSesuai);
  EXPECT_EQ(verdict(d.outcome, Column::kBirthDate), FieldVerdict::kTidakSesuai);
  EXPECT_EQ(verdict(d.outcome, Column::kNik), FieldVerdict::kNotSupplied);
  ASSERT_TRUE(d.person);
  EXPECT_EQ(index_.person(*d.person).nik, 3327010703800001ULL);

  MatchOptions reveal;
  reveal.reveal_matched_nik = true;
  EXPECT_EQ(match_row(row, index_, reveal).matched_nik, "3327010703800001");
}

TEST_F(RowMatcher, UnknownNikFallsBackToDemographics) {
  ClaimRow row = claim("3327010703809999", "SUYONO", date(1981, 3, 7));  // year off by one
  row.mother_name = "PAINEM";
  row.sex = Sex::kMale;
  MatchOptions reveal;
  reveal.reveal_matched_nik = true;
  const RowOutcome o = match_row(row, index_, reveal);
  EXPECT_EQ(o.result, RowResult::kFoundByDemographics);
  EXPECT_EQ(o.matched_nik, "3327010703800001");
  EXPECT_EQ(verdict(o, Column::kNik), FieldVerdict::kTidakSesuai);

  const RowOutcome nobody = match_row(claim("3327010703809999", "BAMBANG", date(1981, 3, 7)),
                                      index_, reveal);
  EXPECT_EQ(nobody.result, RowResult::kNikNotFound);
  EXPECT_EQ(nobody.matched_nik, std::nullopt);
  EXPECT_EQ(match_row(claim(std::nullopt, "BAMBANG", date(1981, 3, 7)), index_, reveal).result,
            RowResult::kNotFound);
}

TEST_F(RowMatcher, TitlesDegreesAndPatronymicsAreNoObstacle) {
  ClaimRow titled = claim(std::nullopt, "H. Budi Santoso, S.Pd.", date(1975, 1, 1));
  titled.mother_name = "SUMIATI";
  EXPECT_EQ(match_row(titled, index_, options_).result, RowResult::kFoundByDemographics);
  ClaimRow bin = claim(std::nullopt, "AHMAD FAUZI BIN USMAN", date(1990, 5, 5));
  bin.mother_name = "HALIMAH";
  const RowOutcome o = match_row(bin, index_, options_);
  EXPECT_EQ(o.result, RowResult::kFoundByDemographics);
  EXPECT_EQ(verdict(o, Column::kName), FieldVerdict::kSesuai);
  ClaimRow hj = claim(std::nullopt, "HJ. SITI AMINAH", date(1985, 12, 12));
  hj.mother_name = "CHADIJAH";  // old spelling of the mother's name too
  EXPECT_EQ(match_row(hj, index_, options_).result, RowResult::kFoundByDemographics);
}

TEST_F(RowMatcher, OneWordNameWithATypoIsFoundThroughTheLetterBlocks) {
  ClaimRow row = claim(std::nullopt, "SLAMTE", date(1960, 6, 6));  // SLAMET, a transposition
  row.mother_name = "TUMINAH";
  row.sex = Sex::kMale;
  row.village_code = "3327010001";
  const MatchDetail d = match_row_detailed(row, index_, options_);
  EXPECT_EQ(d.outcome.result, RowResult::kDeceased);  // found, and he has died
  ASSERT_TRUE(d.person);
  EXPECT_EQ(index_.person(*d.person).nik, 3327010606600001ULL);
  EXPECT_EQ(d.outcome.matched_nik, std::nullopt);
}

TEST_F(RowMatcher, NeverGuessesBetweenTwinsWithSimilarNames) {
  RegisterIndex twins = index_of({
      {"3327011203950001", "BUDI SANTOSO", date(1995, 3, 12), Sex::kMale, "SRI WAHYUNI"},
      {"3327011203950002", "BUDI SANTOSA", date(1995, 3, 12), Sex::kMale, "SRI WAHYUNI"},
  });
  ClaimRow row = claim(std::nullopt, "BUDI SANTOSI", date(1995, 3, 12));
  row.mother_name = "SRI WAHYUNI";
  row.sex = Sex::kMale;
  const MatchDetail d = match_row_detailed(row, twins, options_);
  EXPECT_EQ(d.outcome.result, RowResult::kNotFound);
  EXPECT_EQ(d.person, std::nullopt);
  EXPECT_EQ(d.candidates, 2u);
  ASSERT_TRUE(d.runner_up_weight);
  EXPECT_LT(d.best_weight - *d.runner_up_weight, default_match_parameters().winner_margin);
  // Even the exact name of one twin is no clear win: one slip is too likely (the model weighs
  // an exact name only ~6× a one-slip name, under the 2^6 margin).
  row.name = "BUDI SANTOSO";
  EXPECT_EQ(match_row(row, twins, options_).result, RowResult::kNotFound);
  // Twins with different names are told apart.
  RegisterIndex other_twins = index_of({
      {"3327011203950001", "BUDI SANTOSO", date(1995, 3, 12), Sex::kMale, "SRI WAHYUNI"},
      {"3327011203950002", "AGUS SANTOSO", date(1995, 3, 12), Sex::kMale, "SRI WAHYUNI"},
  });
  const MatchDetail exact = match_row_detailed(row, other_twins, options_);
  EXPECT_EQ(exact.outcome.result, RowResult::kFoundByDemographics);
  ASSERT_TRUE(exact.person);
  EXPECT_EQ(other_twins.person(*exact.person).nik, 3327011203950001ULL);
}

TEST_F(RowMatcher, ADifferentNameIsNeverTakenHoweverWellTheRestAgrees) {
  ClaimRow row = claim(std::nullopt, "AGUS SALIM", date(1980, 3, 7));
  row.mother_name = "PAINEM";
  row.sex = Sex::kMale;
  row.village_code = "3327010001";
  row.birth_place = "PEMALANG";
  const MatchDetail d = match_row_detailed(row, index_, options_);
  EXPECT_EQ(d.outcome.result, RowResult::kNotFound);
}

TEST_F(RowMatcher, RowsThatCannotBeSearchedAreNotFound) {
  ClaimRow no_date = claim(std::nullopt, "SUYONO", date(1980, 3, 7));
  no_date.birth_date.reset();
  EXPECT_EQ(match_row(no_date, index_, options_).result, RowResult::kNotFound);
  ClaimRow no_name = claim(std::nullopt, "", date(1980, 3, 7));
  no_name.name.reset();
  EXPECT_EQ(match_row(no_name, index_, options_).result, RowResult::kNotFound);
  ClaimRow only_titles = claim(std::nullopt, "H. DRS.", date(1980, 3, 7));
  EXPECT_EQ(match_row(only_titles, index_, options_).result, RowResult::kNotFound);
  MatchOptions off;
  off.search_demographics = false;
  const MatchDetail d =
      match_row_detailed(claim(std::nullopt, "SUYONO", date(1980, 3, 7)), index_, off);
  EXPECT_EQ(d.outcome.result, RowResult::kNotFound);
  EXPECT_FALSE(d.by_demographics);
}

TEST_F(RowMatcher, HostileRowsAreBoundedAndAnsweredSafely) {
  // The reader validates NIKs, but the matcher must not trust that.
  const RowOutcome short_nik = match_row(claim("12", "SUYONO", date(1980, 3, 7)), index_, options_);
  EXPECT_EQ(short_nik.result, RowResult::kFoundByDemographics);  // by name and date instead
  EXPECT_EQ(verdict(short_nik, Column::kNik), FieldVerdict::kTidakSesuai);
  EXPECT_EQ(match_row(claim("33270107038000A1", "BAMBANG", date(1980, 3, 7)), index_, options_)
                .result,
            RowResult::kNikNotFound);
  std::string long_name;
  for (int i = 0; i < 2000; ++i) long_name += "SUYONO ";
  const MatchDetail d = match_row_detailed(claim(std::nullopt, long_name, date(1980, 3, 7)),
                                           index_, options_);
  EXPECT_LE(d.candidates, 4u * kBlockWordsMax * kBlockPersonsMax);
  EXPECT_NE(d.outcome.result, RowResult::kInvalidRow);
  ClaimRow odd = claim(std::nullopt, "\xff\xfe SUY\x01ONO \xe2\x80", date(1980, 3, 7));
  odd.mother_name = std::string(100'000, 'A');
  odd.address = std::string(100'000, ' ');
  odd.birth_place = "";
  EXPECT_NO_FATAL_FAILURE(match_row(odd, index_, options_));
}

TEST_F(RowMatcher, ManyRowsOnSeveralThreadsGiveTheOneThreadResults) {
  std::vector<ClaimRow> rows;
  const std::vector<P> people = town();
  for (std::size_t i = 0; i < 1000; ++i) {
    const P& p = people[i % people.size()];
    ClaimRow row = claim(i % 3 == 0 ? std::nullopt : std::optional(p.nik), p.name, p.birth);
    row.record = i + 1;
    row.mother_name = p.mother;
    rows.push_back(std::move(row));
  }
  std::vector<RowOutcome> one(rows.size()), four(rows.size());
  match_rows(rows, index_, options_, 1, one);
  match_rows(rows, index_, options_, 4, four);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(four[i].record, i + 1);
    EXPECT_EQ(four[i].result, one[i].result) << i;
    EXPECT_EQ(four[i].verdicts, one[i].verdicts) << i;
  }
  std::vector<RowOutcome> none;
  match_rows({}, index_, options_, 2, none);
}

TEST(RowMatcherModel, TermFrequencyMakesRareNamesWeighMore) {
  std::vector<P> people;
  for (int i = 0; i < 60; ++i) {
    people.push_back({"33270101018" + std::to_string(10000 + i), "BUDI", date(1980, 1, 1)});
  }
  people.push_back({"3327010101899999", "SUPRIYADI", date(1980, 1, 1)});
  const RegisterIndex index = index_of(people);
  const MatchParameters& p = default_match_parameters();
  const ModelWeights w = model_weights(p);
  EXPECT_DOUBLE_EQ(w.name[0], std::log2(p.name[0].m / p.name[0].u));
  const auto weigh = [&](const std::string& name, const std::string& nik) {
    const ClaimKeys claim = claim_keys(claim_row_of(name));
    ComparisonLevels levels;
    const auto weight = match_weight(claim, index.person(*index.find_nik(nik)), index, p, w,
                                     std::nullopt, &levels);
    EXPECT_EQ(levels.name, NameLevel::kExact);
    return weight.value_or(-1e9);
  };
  const double common = weigh("BUDI", "3327010101810000");
  const double rare = weigh("SUPRIYADI", "3327010101899999");
  EXPECT_GT(rare, common + 3.0);  // BUDI is 60 of 61 persons (its adjustment hits the -8 cap)
  EXPECT_NEAR(index.word_frequency("BUDI"), 60.0 / 61.0, 1e-12);
}

TEST(RowMatcherEmpty, EmptyIndexFindsNobody) {
  RegisterIndexBuilder builder;
  auto index = builder.finish();
  ASSERT_TRUE(index);
  const MatchOptions options;
  EXPECT_EQ(
      match_row(claim("3327010703800001", "SUYONO", date(1980, 3, 7)), *index, options).result,
      RowResult::kNikNotFound);
  EXPECT_EQ(match_row(claim(std::nullopt, "SUYONO", date(1980, 3, 7)), *index, options).result,
            RowResult::kNotFound);
}

}  // namespace
}  // namespace ektp::bulk
