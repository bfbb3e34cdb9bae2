#include "bulk_matching/agency_file_generator.h"

#include <gtest/gtest.h>

#include <chrono>

#include "bulk_matching/register_index.h"
#include "bulk_matching/row_matcher.h"
#include "core/name_match.h"

namespace ektp::bulk {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(AgencyFileGenerator, OldSpellingIsTheInverseOfEyd) {
  EXPECT_EQ(to_old_spelling("SUYONO"), "SOEJONO");
  EXPECT_EQ(to_old_spelling("CAHYO"), "TJAHJO");
  EXPECT_EQ(to_old_spelling("JOKO"), "DJOKO");
  EXPECT_EQ(to_old_spelling("NYOMAN"), "NJOMAN");
  EXPECT_EQ(to_old_spelling("SYAMSUL"), "SJAMSOEL");
  EXPECT_EQ(to_old_spelling("KHOIRUL"), "CHOIROEL");
  EXPECT_EQ(to_old_spelling("DYAH"), "DYAH");  // old DJ would read as J
  EXPECT_EQ(to_old_spelling("YOHAN TJANDRA"), "JOHAN TJANDRA");  // already old: left alone
  for (const char* name : {"SUYONO", "CAHYO CAHYONO", "SRI WAHYUNI", "MUHAMMAD RIZKI",
                           "NYOMAN SUDARSANA", "KHOIRUL ANWAR", "CHRISTINE WIJAYA", "DYAH AYU",
                           "TYAS PUSPITASARI", "SUMAMPOUW", "JOHNNY SUTANTO", "MAULANA",
                           "SIU LAN TJANDRA"}) {
    EXPECT_EQ(phonetic_key(to_old_spelling(name)), phonetic_key(name)) << name;
  }
}

TEST(AgencyFileGenerator, FaultMakers) {
  SplitMix64 random(3);
  for (int i = 0; i < 200; ++i) {
    const std::string typo = with_typo("SUPRIYADI", random);
    EXPECT_NE(typo, "SUPRIYADI");
    EXPECT_GE(typo.size(), 8u);
    EXPECT_GE(name_similarity(typo, "SUPRIYADI"), 0.85) << typo;
  }
  EXPECT_EQ(with_typo("A", random), "A");  // too short to slip
  for (int i = 0; i < 50; ++i) {
    const std::string titled = with_title("BUDI SANTOSO", Sex::kMale, random);
    EXPECT_EQ(normalise_name(titled), "BUDI SANTOSO") << titled;
    const std::string hajjah = with_title("SITI AMINAH", Sex::kFemale, random);
    EXPECT_EQ(normalise_name(hajjah), "SITI AMINAH") << hajjah;
  }
  EXPECT_EQ(with_muhammad_abbreviated("BUDI SANTOSO", random), std::nullopt);
  const auto m = with_muhammad_abbreviated("MUHAMMAD RIDWAN", random);
  ASSERT_TRUE(m);
  EXPECT_NE(*m, "MUHAMMAD RIDWAN");
  EXPECT_GE(name_similarity(*m, "MUHAMMAD RIDWAN"), 0.85) << *m;
  EXPECT_EQ(with_words_rotated("SITI NUR AMINAH"), "NUR AMINAH SITI");
  EXPECT_EQ(with_words_rotated("SLAMET"), "SLAMET");
  const std::string nik = "3327015508900001";
  for (int i = 0; i < 50; ++i) {
    const std::string bad = mistyped_nik(nik, random);
    ASSERT_EQ(bad.size(), 16u);
    EXPECT_NE(bad, nik);
    EXPECT_EQ(bad.substr(0, 12), nik.substr(0, 12));
    EXPECT_NE(bad.substr(12), "0000");
  }
}

// A synthetic register (no demo generator here: that lives in ektp_registry).
std::vector<RegisterEntry> synthetic_register(std::size_t n, std::uint64_t seed) {
  const char* given[] = {"BUDI", "AGUS", "SLAMET", "JOKO", "SUYONO", "CAHYO", "MUHAMMAD", "AHMAD",
                         "SITI", "SRI", "NUR", "ENDANG", "DEWI", "KHOIRUL", "YUSUF", "WAHYU",
                         "NYOMAN", "SUPRIYADI", "RAHMAT", "HENDRA", "YOHANES", "MARIA", "PUTRI"};
  const char* second[] = {"SANTOSO", "WIBOWO", "HIDAYAT", "RAHAYU", "LESTARI", "SETIAWAN",
                          "NUGROHO", "WAHYUNI", "KURNIAWAN", "SUSANTI", "PRATAMA", "UTOMO",
                          "RAMADHAN", "FAUZI", "AMINAH", "SYAHPUTRA", "HANDAYANI", "SAPUTRA"};
  const char* mothers[] = {"SUMIATI", "PAINEM", "SITI KHADIJAH", "TUMINAH", "SRI WAHYUNI",
                           "HALIMAH", "YATMI", "CUCU", "MARYAM", "SUKINAH", "SARMI", "WARSINI"};
  const char* places[] = {"PEMALANG", "TEGAL", "BATANG", "CILACAP", "JAKARTA", "SURABAYA"};
  SplitMix64 random(seed);
  std::vector<RegisterEntry> out;
  for (std::size_t i = 0; i < n; ++i) {
    RegisterEntry e;
    const auto pick = [&](auto& list) {
      return std::string(list[random.next() % std::size(list)]);
    };
    e.name = pick(given);
    if (random.unit() < 0.85) e.name += " " + pick(second);
    if (random.unit() < 0.2) e.name += " " + pick(second);
    const int y = 1950 + static_cast<int>(random.next() % 56);
    e.birth_date = CivilDate{year{y}, month{1 + static_cast<unsigned>(random.next() % 12)},
                             day{1 + static_cast<unsigned>(random.next() % 28)}};
    e.sex = random.unit() < 0.5 ? Sex::kMale : Sex::kFemale;
    e.mother_name = pick(mothers);
    e.birth_place = pick(places);
    e.address = "DUSUN KRAJAN";
    e.village_code = "33270100" + std::to_string(10 + random.next() % 40);
    e.nik = "3327" + std::to_string(100000000000ULL + i);
    e.alive = random.unit() > 0.02;
    out.push_back(std::move(e));
  }
  return out;
}

TEST(AgencyFileGenerator, DeterministicForASeedWithTruth) {
  const auto members = synthetic_register(500, 1);
  const auto outsiders = synthetic_register(50, 2);
  std::vector<RegisterEntry> out_of_register(outsiders);
  for (auto& e : out_of_register) e.nik[4] = '9';  // other NIKs than the members'
  GeneratorOptions options;
  options.rows = 400;
  options.seed = 5;
  auto a = generate_agency_file(members, out_of_register, options);
  auto b = generate_agency_file(members, out_of_register, options);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->size(), 400u);
  std::size_t missing = 0, outsiders_seen = 0, duplicates = 0;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const GeneratedRow& x = (*a)[i];
    EXPECT_EQ(x.row.row_id, (*b)[i].row.row_id);
    EXPECT_EQ(x.row.name, (*b)[i].row.name);
    EXPECT_EQ(x.row.nik, (*b)[i].row.nik);
    EXPECT_EQ(x.faults, (*b)[i].faults);
    EXPECT_EQ(x.row.record, i + 1);
    EXPECT_EQ(x.has(Fault::kOutsider), !x.true_nik.has_value());
    EXPECT_EQ(x.has(Fault::kMissingNik), !x.row.nik.has_value());
    EXPECT_TRUE(x.row.name && x.row.birth_date && x.row.sex && x.row.mother_name);
    missing += x.has(Fault::kMissingNik) ? 1 : 0;
    outsiders_seen += x.has(Fault::kOutsider) ? 1 : 0;
    duplicates += x.has(Fault::kDuplicate) ? 1 : 0;
  }
  EXPECT_GT(missing, 50u);
  EXPECT_GT(outsiders_seen, 5u);
  options.seed = 6;
  auto c = generate_agency_file(members, out_of_register, options);
  ASSERT_TRUE(c);
  std::size_t same = 0;
  for (std::size_t i = 0; i < c->size(); ++i) same += (*c)[i].row.name == (*a)[i].row.name ? 1 : 0;
  EXPECT_LT(same, 100u);
}

TEST(AgencyFileGenerator, RejectsBadOptions) {
  const auto members = synthetic_register(10, 1);
  GeneratorOptions options;
  EXPECT_EQ(generate_agency_file({}, {}, options).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(generate_agency_file(members, {}, options));  // outsiders wanted, none given
  options.outsider_share = 0;
  EXPECT_TRUE(generate_agency_file(members, {}, options));
  options.rows = 0;
  EXPECT_FALSE(generate_agency_file(members, {}, options));
  options.rows = 10;
  options.title_share = 1.5;
  const auto bad = generate_agency_file(members, {}, options);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("title_share"), std::string::npos);
}

// A small accuracy check: a wrong person is worse than no answer.
TEST(AgencyFileGenerator, DemographicMatchingIsPreciseOnAGeneratedFile) {
  const auto all = synthetic_register(21'000, 9);
  const std::vector<RegisterEntry> members(all.begin(), all.begin() + 20'000);
  const std::vector<RegisterEntry> outsiders(all.begin() + 20'000, all.end());
  RegisterIndexBuilder builder;
  ASSERT_TRUE(builder.add_batch(members));
  auto index = builder.finish();
  ASSERT_TRUE(index);
  GeneratorOptions options;
  options.rows = 4000;
  options.seed = 17;
  options.missing_nik_share = 0.5;
  auto rows = generate_agency_file(members, outsiders, options);
  ASSERT_TRUE(rows);
  std::size_t found = 0, right = 0, eligible = 0, sesuai = 0, sesuai_right = 0;
  const MatchOptions match_options;
  for (const GeneratedRow& g : *rows) {
    const MatchDetail d = match_row_detailed(g.row, *index, match_options);
    const bool is_right =
        d.person && g.true_nik && nik_text(index->person(*d.person).nik) == *g.true_nik;
    if (d.by_demographics) {
      eligible += g.true_nik ? 1 : 0;
      found += d.person ? 1 : 0;
      right += is_right ? 1 : 0;
    } else if (d.person && g.row.nik == g.true_nik) {
      const bool said = d.outcome.verdicts[static_cast<std::size_t>(Column::kName)] ==
                        FieldVerdict::kSesuai;
      sesuai += said ? 1 : 0;
      sesuai_right += said && !g.has(Fault::kOtherName) ? 1 : 0;
    }
  }
  ASSERT_GT(found, 1000u);
  EXPECT_GE(static_cast<double>(right) / static_cast<double>(found), 0.995);
  EXPECT_GE(static_cast<double>(right) / static_cast<double>(eligible), 0.90);
  EXPECT_GE(static_cast<double>(sesuai_right) / static_cast<double>(sesuai), 0.995);
}

}  // namespace
}  // namespace ektp::bulk
