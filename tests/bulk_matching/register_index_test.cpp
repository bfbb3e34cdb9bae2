#include "bulk_matching/register_index.h"

#include <gtest/gtest.h>

#include "bulk_matching/field_keys.h"
#include "bulk_matching/string_pool.h"

namespace ektp::bulk {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

RegisterEntry person(std::string nik, std::string name, CivilDate birth) {
  RegisterEntry e;
  e.nik = std::move(nik);
  e.name = std::move(name);
  e.birth_date = birth;
  e.birth_place = "PEMALANG";
  e.mother_name = "SITI AMINAH";
  e.address = "DUSUN KRAJAN";
  e.village_code = "3327010001";
  return e;
}

const CivilDate k1980{year{1980}, month{1}, day{2}};

TEST(StringPool, InternsOnceAndFinds) {
  StringPool pool;
  const auto a = pool.intern("SUYONO");
  const auto b = pool.intern("SUYONO");
  const auto c = pool.intern("");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(pool.view(*a), "SUYONO");
  EXPECT_EQ(pool.view(*c), "");
  EXPECT_EQ(pool.find("SUYONO"), *a);
  EXPECT_EQ(pool.find("SUJONO"), std::nullopt);
  EXPECT_EQ(pool.distinct(), 2u);
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(pool.intern("N" + std::to_string(i)));  // grows
  EXPECT_EQ(pool.view(*pool.find("N4321")), "N4321");
  const auto cut = pool.intern(std::string(1000, 'X'));
  ASSERT_TRUE(cut);
  EXPECT_EQ(pool.view(*cut).size(), kPooledStringBytesMax);
  pool.freeze();
  EXPECT_FALSE(pool.intern("NEW"));
  EXPECT_EQ(pool.view(*a), "SUYONO");
}

TEST(RegisterIndex, NikNumbersRoundTrip) {
  EXPECT_EQ(nik_number("3327015508900001"), 3327015508900001ULL);
  EXPECT_EQ(nik_text(3327015508900001ULL), "3327015508900001");
  EXPECT_EQ(nik_text(1), "0000000000000001");
  EXPECT_EQ(nik_number("332701550890000"), std::nullopt);
  EXPECT_EQ(nik_number("33270155089000A1"), std::nullopt);
  EXPECT_EQ(nik_number(""), std::nullopt);
}

TEST(RegisterIndex, FindsByNikAndKeepsKeys) {
  RegisterIndexBuilder builder;
  std::vector<RegisterEntry> batch = {person("3327010201800002", "Soejono", k1980),
                                      person("3327010201800001", "H. Budi Santoso, S.Pd", k1980)};
  batch[1].alive = false;
  batch[1].sex = Sex::kMale;
  batch[0].sex = Sex::kFemale;
  ASSERT_TRUE(builder.add_batch(batch));
  EXPECT_EQ(builder.size(), 2u);
  auto index = builder.finish();
  ASSERT_TRUE(index);
  EXPECT_EQ(builder.size(), 0u);
  ASSERT_EQ(index->size(), 2u);
  const auto id = index->find_nik("3327010201800001");
  ASSERT_TRUE(id);
  const PersonView p = index->person(*id);
  EXPECT_EQ(p.nik, 3327010201800001ULL);
  EXPECT_EQ(p.name_key, "BUDI SANTOSO");
  EXPECT_EQ(p.mother_key, "SITI AMINAH");
  EXPECT_EQ(p.place_key, "PEMALANG");
  EXPECT_EQ(p.address_key, "KRAJAN");
  EXPECT_EQ(p.village_code, "3327010001");
  EXPECT_EQ(unpack_date(p.birth_date), k1980);
  EXPECT_FALSE(p.alive);
  EXPECT_EQ(p.sex, Sex::kMale);
  const PersonView q = index->person(*index->find_nik("3327010201800002"));
  EXPECT_EQ(q.name_key, "SUYONO");
  EXPECT_TRUE(q.alive);
  EXPECT_EQ(q.sex, Sex::kFemale);
  EXPECT_EQ(index->find_nik("3327010201800003"), std::nullopt);
  EXPECT_EQ(index->find_nik("not a nik"), std::nullopt);
}

TEST(RegisterIndex, BlocksAndTermFrequencies) {
  RegisterIndexBuilder builder;
  ASSERT_TRUE(builder.add(person("3327010201800001", "BUDI SANTOSO", k1980)));
  ASSERT_TRUE(builder.add(person("3327010201800002", "BUDI UTOMO", k1980)));
  ASSERT_TRUE(builder.add(person("3327010201800003", "AGUS SALIM", k1980)));
  ASSERT_TRUE(builder.add(person("3327010201800004", "Soejono", k1980)));
  auto index = builder.finish();
  ASSERT_TRUE(index);
  std::vector<PersonId> out;
  EXPECT_TRUE(index->block(word_block_key("BUDI", pack_date(k1980)), out));
  ASSERT_EQ(out.size(), 2u);
  out.clear();
  EXPECT_TRUE(index->block(word_block_key("SUYONO", pack_date(k1980)), out));  // the key's word
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(index->person(out[0]).nik, 3327010201800004ULL);
  out.clear();
  EXPECT_TRUE(index->block(word_block_key("SUYONO", pack_date(k1980) + 1), out));
  EXPECT_TRUE(out.empty());
  EXPECT_DOUBLE_EQ(index->word_frequency("BUDI"), 0.5);
  EXPECT_DOUBLE_EQ(index->word_frequency("AGUS"), 0.25);
  EXPECT_DOUBLE_EQ(index->word_frequency("JOKO"), 0.0);
  const RegisterIndexStats s = index->stats();
  EXPECT_EQ(s.persons, 4u);
  EXPECT_GT(s.postings, 8u);
  EXPECT_GT(s.total_bytes(), 0u);
}

TEST(RegisterIndex, OverfullBlocksAreNotReturned) {
  RegisterIndexBuilder builder;
  for (std::size_t i = 0; i < kBlockPersonsMax + 1; ++i) {
    ASSERT_TRUE(builder.add(person("33270102018" + std::to_string(10000 + i), "SITI", k1980)));
  }
  auto index = builder.finish();
  ASSERT_TRUE(index);
  std::vector<PersonId> out = {7};
  EXPECT_FALSE(index->block(word_block_key("SITI", pack_date(k1980)), out));
  EXPECT_EQ(out, std::vector<PersonId>{7});  // untouched
}

TEST(RegisterIndex, RejectsBadEntries) {
  RegisterIndexBuilder builder;
  EXPECT_EQ(builder.add(person("12345", "BUDI", k1980)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(builder.add(person("3327010201800001", "BUDI", CivilDate{year{1980}, month{2},
                                                                     day{30}}))
                .error()
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(builder.size(), 0u);
  ASSERT_TRUE(builder.add(person("3327010201800001", "BUDI", k1980)));
  ASSERT_TRUE(builder.add(person("3327010201800001", "AGUS", k1980)));
  auto index = builder.finish();
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(index.error().message.find("3327010201800001"), std::string::npos);
}

TEST(RegisterIndex, EmptyIndexAnswersNothing) {
  RegisterIndexBuilder builder;
  auto index = builder.finish();
  ASSERT_TRUE(index);
  EXPECT_EQ(index->size(), 0u);
  EXPECT_EQ(index->find_nik("3327010201800001"), std::nullopt);
  std::vector<PersonId> out;
  EXPECT_TRUE(index->block(word_block_key("BUDI", pack_date(k1980)), out));
  EXPECT_TRUE(out.empty());
  EXPECT_DOUBLE_EQ(index->word_frequency("BUDI"), 0.0);
}

}  // namespace
}  // namespace ektp::bulk
