#include "bulk_matching/field_keys.h"

#include <gtest/gtest.h>

#include "core/name_match.h"

namespace ektp::bulk {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

std::uint32_t date(int y, unsigned m, unsigned d) {
  return pack_date(CivilDate{year{y}, month{m}, day{d}});
}

TEST(FieldKeys, PatronymicKeepsTheMainName) {
  const NameKeys keys = name_keys("Ahmad Fauzi bin Yusuf");
  EXPECT_EQ(keys.full, "AHMAD FAUZI BIN YUSUF");
  EXPECT_EQ(keys.main, "AHMAD FAUZI");
  EXPECT_EQ(name_keys("SITI BINTI ABDULLAH").main, "SITI");
  EXPECT_EQ(name_keys("BINTANG").main, "BINTANG");  // a word, not a patronymic
  EXPECT_EQ(name_keys("BIN LADEN").main, "BIN LADEN");  // never the first word
  EXPECT_EQ(main_part(""), "");
}

TEST(FieldKeys, PatronymicNamesMatchTheRegisterName) {
  EXPECT_GE(name_keys_similarity(name_keys("AHMAD FAUZI BIN YUSUF"), name_keys("AHMAD FAUZI")),
            kNameMatchThreshold);
  EXPECT_GE(name_key_similarity(name_keys("SITI AMINAH BINTI H. USMAN"),
                                phonetic_key("SITI AMINAH")),
            kNameMatchThreshold);
  // Without the patronymic rule a missing last word would cost 70 %.
  EXPECT_LT(name_similarity("AHMAD FAUZI BIN YUSUF", "AHMAD FAUZI"), kNameMatchThreshold);
  EXPECT_LT(name_keys_similarity(name_keys("AHMAD FAUZAN BIN YUSUF"), name_keys("AHMAD FAUZI")),
            kNameMatchThreshold);
}

TEST(FieldKeys, PlaceKeysDropRegencyWordsAndOldSpelling) {
  EXPECT_EQ(place_key("Kab. Pemalang"), "PEMALANG");
  EXPECT_EQ(place_key("KABUPATEN PEMALANG"), "PEMALANG");
  EXPECT_EQ(place_key("Kota Semarang"), "SEMARANG");
  EXPECT_EQ(place_key("TJILATJAP"), place_key("CILACAP"));
  EXPECT_EQ(place_key("KOTA"), "KOTA");
  EXPECT_EQ(place_key(""), "");
}

TEST(FieldKeys, AddressKeysDropFillerWords) {
  EXPECT_EQ(address_key("Jl. Merdeka No. 5"), "MERDEKA 5");
  EXPECT_EQ(address_key("JALAN MERDEKA NOMOR 5"), "MERDEKA 5");
  EXPECT_EQ(address_key("Dusun Krajan"), "KRAJAN");
  EXPECT_EQ(address_key("  --  "), "");
  EXPECT_EQ(address_key(std::string(10'000, 'A')).size(), kMaxNameBytes);  // bounded
}

TEST(FieldKeys, FingerprintsFoldCaseAndSpacesOnly) {
  EXPECT_EQ(text_fingerprint("Budi  Santoso "), text_fingerprint("BUDI SANTOSO"));
  EXPECT_EQ(text_fingerprint("\tBUDI SANTOSO"), text_fingerprint("BUDI SANTOSO"));
  EXPECT_NE(text_fingerprint("BUDI SANTOSA"), text_fingerprint("BUDI SANTOSO"));
  EXPECT_NE(text_fingerprint("BUDISANTOSO"), text_fingerprint("BUDI SANTOSO"));
  EXPECT_NE(text_fingerprint("H. BUDI SANTOSO"), text_fingerprint("BUDI SANTOSO"));
  EXPECT_EQ(text_fingerprint(""), text_fingerprint("   "));
}

TEST(FieldKeys, DatesPackAndUnpack) {
  const CivilDate d{year{1990}, month{8}, day{15}};
  EXPECT_EQ(unpack_date(pack_date(d)), d);
  EXPECT_EQ(pack_date(CivilDate{year{1990}, month{2}, day{30}}), 0u);  // not a date
}

TEST(FieldKeys, ToleratedDatesCoverSwapsAndYearSlips) {
  const auto dates = tolerated_dates(date(1990, 3, 7));
  ASSERT_EQ(dates.size(), 4u);
  EXPECT_EQ(dates[0], date(1990, 3, 7));
  EXPECT_EQ(dates[1], date(1990, 7, 3));
  EXPECT_EQ(dates[2], date(1989, 3, 7));
  EXPECT_EQ(dates[3], date(1991, 3, 7));
  EXPECT_EQ(tolerated_dates(date(1990, 3, 25)).size(), 3u);  // no 25th month
  EXPECT_EQ(tolerated_dates(date(1990, 5, 5)).size(), 3u);   // the swap is the same date
  const auto leap = tolerated_dates(date(1992, 2, 29));
  EXPECT_NE(std::find(leap.begin(), leap.end(), date(1991, 2, 28)), leap.end());
  EXPECT_TRUE(tolerated_dates(0).empty());
}

TEST(FieldKeys, DateLevels) {
  EXPECT_EQ(compare_dates(date(1990, 3, 7), date(1990, 3, 7)), DateLevel::kExact);
  EXPECT_EQ(compare_dates(date(1990, 7, 3), date(1990, 3, 7)), DateLevel::kSwappedDayMonth);
  EXPECT_EQ(compare_dates(date(1991, 3, 7), date(1990, 3, 7)), DateLevel::kYearOff);
  EXPECT_EQ(compare_dates(date(1991, 2, 28), date(1992, 2, 29)), DateLevel::kYearOff);
  EXPECT_EQ(compare_dates(date(1992, 3, 7), date(1990, 3, 7)), DateLevel::kOther);
  EXPECT_EQ(compare_dates(date(1990, 3, 8), date(1990, 3, 7)), DateLevel::kOther);
}

TEST(FieldKeys, BlockingWordsSkipInitialsAndRepeats) {
  const auto words = blocking_words("M RIDWAN RIDWAN SANTOSO");
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0], "RIDWAN");
  EXPECT_EQ(words[1], "SANTOSO");
  EXPECT_TRUE(blocking_words("").empty());
  EXPECT_EQ(blocking_words("A B C D E F G H I J K L").size(), 0u);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "W" + std::string(1, static_cast<char>('A' + i)) + " ";
  EXPECT_EQ(blocking_words(many).size(), kBlockWordsMax);
}

TEST(FieldKeys, PersonBlockKeysAreWordsAndLetters) {
  // SUYONO: the word, then letters S and O; BUDI: the word, letters B and I.
  const auto keys = person_block_keys("BUDI SUYONO", date(1980, 1, 2));
  EXPECT_EQ(keys.size(), 2u + 4u);
  EXPECT_EQ(keys[0], word_block_key("BUDI", date(1980, 1, 2)));
  EXPECT_NE(word_block_key("BUDI", date(1980, 1, 2)), word_block_key("BUDI", date(1980, 2, 1)));
  EXPECT_NE(letter_block_key('B', date(1980, 1, 2)), word_block_key("B", date(1980, 1, 2)));
  EXPECT_TRUE(person_block_keys("BUDI", 0).empty());
}

}  // namespace
}  // namespace ektp::bulk
