// Indonesian name matching: normalisation, phonetic key, similarity and the sesuai threshold.
#include "core/name_match.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>

#include "support/test_support.h"

namespace ektp {
namespace {

// ---- normalise_name -------------------------------------------------------------------------

TEST(NameNormaliseTest, UpperCasesAndCollapsesWhitespace) {
  EXPECT_EQ(normalise_name("  siti   aminah \t"), "SITI AMINAH");
  EXPECT_EQ(normalise_name("Budi\nSantoso"), "BUDI SANTOSO");
}

TEST(NameNormaliseTest, FoldsLatinDiacritics) {
  EXPECT_EQ(normalise_name("José Müller"), "JOSE MULLER");
  EXPECT_EQ(normalise_name("ÀÉÎÕÜÇÑÝ àéîõüçñýÿ"), "AEIOUCNY AEIOUCNYY");
  EXPECT_EQ(normalise_name("Æsa Straße"), "AESA STRASSE");
  EXPECT_EQ(normalise_name("Łukasz Šimek Ğül Ōta"), "LUKASZ SIMEK GUL OTA");
  EXPECT_EQ(normalise_name("Jose\xCC\x81"), "JOSE");  // e + combining acute (NFD)
}

TEST(NameNormaliseTest, RemovesApostrophesAndSplitsAtHyphens) {
  EXPECT_EQ(normalise_name("Ma'ruf Amin"), "MARUF AMIN");
  EXPECT_EQ(normalise_name("Nu\xE2\x80\x99man"), "NUMAN");  // right single quote
  EXPECT_EQ(normalise_name("Siti-Aminah"), "SITI AMINAH");
  EXPECT_EQ(normalise_name("Siti\xE2\x80\x93" "Aminah"), "SITI AMINAH");  // en dash
  EXPECT_EQ(normalise_name("Budi (Santoso) / 2"), "BUDI SANTOSO 2");
}

TEST(NameNormaliseTest, RemovesTitlesAndDegrees) {
  EXPECT_EQ(normalise_name("Hj. Siti Aminah, S.Pd."), "SITI AMINAH");
  EXPECT_EQ(normalise_name("Prof. Dr. Ir. H. Bambang Wijaya, M.M., M.Si."), "BAMBANG WIJAYA");
  EXPECT_EQ(normalise_name("Drs. Agus Salim M.Pd"), "AGUS SALIM");
  EXPECT_EQ(normalise_name("KH Abdurrahman Wahid"), "ABDURRAHMAN WAHID");
  EXPECT_EQ(normalise_name("R. Ajeng Kartini"), "AJENG KARTINI");
  EXPECT_EQ(normalise_name("Raden Ajeng Kartini"), "AJENG KARTINI");
  EXPECT_EQ(normalise_name("Dewi Lestari A.Md.Keb"), "DEWI LESTARI");
  EXPECT_EQ(normalise_name("Rina Wati SKM"), "RINA WATI");
  EXPECT_EQ(normalise_name("Andi Saputra, S.E"), "ANDI SAPUTRA");
  EXPECT_EQ(normalise_name("Yusuf Kalla S.H."), "YUSUF KALLA");
  EXPECT_EQ(normalise_name("Tono S.Kom"), "TONO");
  EXPECT_EQ(normalise_name("dr. Rudi Hartono, Sp.OG"), "RUDI HARTONO");
}

TEST(NameNormaliseTest, KeepsNameWordsThatLookLikeTitles) {
  // A lone title is the name itself; the first word is never a degree.
  EXPECT_EQ(normalise_name("Haji"), "HAJI");
  EXPECT_EQ(normalise_name("Dr."), "DR");
  // Bare short degree forms could be name words: kept without a dot or comma.
  EXPECT_EQ(normalise_name("Lim Se Ma"), "LIM SE MA");
  EXPECT_EQ(normalise_name("Lim Se, MA"), "LIM SE");
  // R and NY without a dot may be an initial or a name.
  EXPECT_EQ(normalise_name("R Soeprapto"), "R SUPRAPTO");
  EXPECT_EQ(normalise_name("Hajar Hidayat"), "HAJAR HIDAYAT");
  EXPECT_EQ(normalise_name("Irawati Dra"), "IRAWATI DRA");  // prefix titles only at the front
  EXPECT_EQ(normalise_name("Drajat Prof"), "DRAJAT PROF");
}

TEST(NameNormaliseTest, SplitsDottedInitials) {
  EXPECT_EQ(normalise_name("M. Ridwan"), "M RIDWAN");
  EXPECT_EQ(normalise_name("M.Ridwan"), "M RIDWAN");
  EXPECT_EQ(normalise_name("Moch.Nur Hasan"), "MOKH NUR HASAN");
}

TEST(NameNormaliseTest, MapsOldSpellingToEyd) {
  EXPECT_EQ(normalise_name("Soekarno"), "SUKARNO");
  EXPECT_EQ(normalise_name("Djoko Soesilo"), "JOKO SUSILO");
  EXPECT_EQ(normalise_name("Tjahjadi"), "CAHJADI");  // lone J stays: phonetic_key decides
  EXPECT_EQ(normalise_name("Njoto"), "NYOTO");
  EXPECT_EQ(normalise_name("Sjahrir"), "SYAHRIR");
  EXPECT_EQ(normalise_name("Chairul Tandjung"), "KHAIRUL TANJUNG");
  EXPECT_EQ(normalise_name("Sujono"), "SUJONO");
}

TEST(NameNormaliseTest, EmptyAndJunkGiveEmpty) {
  EXPECT_EQ(normalise_name(""), "");
  EXPECT_EQ(normalise_name("   "), "");
  EXPECT_EQ(normalise_name("...,,,--''"), "");
  EXPECT_EQ(normalise_name("\xFF\xFE\xC0\x80"), "");  // invalid UTF-8 and an overlong NUL
}

TEST(NameNormaliseTest, InvalidUtf8ReadsAsSpace) {
  EXPECT_EQ(normalise_name("SITI\xFF" "AMINAH"), "SITI AMINAH");
  EXPECT_EQ(normalise_name("SITI\xE2\x80"), "SITI");  // truncated sequence
  EXPECT_EQ(normalise_name("\xED\xA0\x80" "BUDI"), "BUDI");  // a surrogate
}

TEST(NameNormaliseTest, CutsLongInput) {
  const std::string huge(10 * 1024, 'A');
  EXPECT_EQ(normalise_name(huge).size(), kMaxNameBytes);
  std::string words;
  for (int i = 0; i < 2000; ++i) words += "BUDI ";
  EXPECT_LE(normalise_name(words).size(), kMaxNameBytes);
}

// ---- phonetic_key ---------------------------------------------------------------------------

TEST(NamePhoneticKeyTest, MergesOldAndNewSpellings) {
  EXPECT_EQ(phonetic_key("Sujono"), phonetic_key("Suyono"));
  EXPECT_EQ(phonetic_key("Djoko"), phonetic_key("Joko"));
  EXPECT_EQ(phonetic_key("Tjahjadi"), phonetic_key("Cahyadi"));
  EXPECT_EQ(phonetic_key("Achmad"), phonetic_key("Ahmad"));
  EXPECT_EQ(phonetic_key("Chairul"), phonetic_key("Hairul"));
  EXPECT_EQ(phonetic_key("Ramadhan"), phonetic_key("Ramadan"));
  EXPECT_EQ(phonetic_key("Syaiful"), phonetic_key("Saiful"));
  EXPECT_EQ(phonetic_key("Hassan"), phonetic_key("Hasan"));
}

TEST(NamePhoneticKeyTest, MuhammadFamilyIsOneWord) {
  const std::string key = phonetic_key("Muhammad Ridwan");
  for (const char* form : {"Muh. Ridwan", "Moh Ridwan", "Moch. Ridwan", "Mohd Ridwan",
                           "Muhamad Ridwan", "Mochamad Ridwan", "Mohammad Ridwan",
                           "Muchammad Ridwan", "Mohamed Ridwan"}) {
    EXPECT_EQ(phonetic_key(form), key) << form;
  }
}

// ---- name_similarity ------------------------------------------------------------------------

struct Pair {
  const char* a;
  const char* b;
};

class NameSimilarityTest : public ::testing::Test {
 protected:
  static void expect_match(const Pair& p) {
    const double s = name_similarity(p.a, p.b);
    EXPECT_GE(s, kNameMatchThreshold) << p.a << " / " << p.b << " = " << s;
    EXPECT_TRUE(names_match(p.a, p.b)) << p.a << " / " << p.b;
  }
  static void expect_no_match(const Pair& p) {
    const double s = name_similarity(p.a, p.b);
    EXPECT_LT(s, kNameMatchThreshold) << p.a << " / " << p.b << " = " << s;
    EXPECT_FALSE(names_match(p.a, p.b)) << p.a << " / " << p.b;
  }
};

TEST_F(NameSimilarityTest, OldAndNewSpellingsMatch) {
  EXPECT_DOUBLE_EQ(name_similarity("SOEKARNO", "SUKARNO"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("DJOKO SOESILO", "JOKO SUSILO"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("TJAHJADI", "CAHYADI"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("SUJONO", "SUYONO"), 1.0);
  expect_match({"Chandra Wijaya", "Candra Wijaya"});
  expect_match({"Noer Hidajat", "Nur Hidayat"});
}

TEST_F(NameSimilarityTest, TitlesDoNotCount) {
  EXPECT_DOUBLE_EQ(name_similarity("Hj. Siti Aminah, S.Pd.", "SITI AMINAH"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("Prof. Dr. Ir. H. Bambang Wijaya, M.M.", "Bambang Wijaya"), 1.0);
}

TEST_F(NameSimilarityTest, WordOrderScoresHigh) {
  const double s = name_similarity("SITI AMINAH", "AMINAH SITI");
  EXPECT_GE(s, 0.95);
  EXPECT_LT(s, 1.0);
}

TEST_F(NameSimilarityTest, MissingMiddleNameScoresLowerButMatches) {
  const double full = name_similarity("SITI NUR AMINAH", "SITI NUR AMINAH");
  const double missing = name_similarity("SITI NUR AMINAH", "SITI AMINAH");
  EXPECT_LT(missing, full);
  expect_match({"SITI NUR AMINAH", "SITI AMINAH"});
  expect_match({"SRI ENDANG WAHYUNI", "SRI WAHYUNI"});
  expect_match({"MUHAMMAD ALI RIDWAN", "MUHAMMAD RIDWAN"});
}

TEST_F(NameSimilarityTest, InitialsMatch) {
  expect_match({"M. RIDWAN", "MUHAMMAD RIDWAN"});
  expect_match({"S. AMINAH", "SITI AMINAH"});
  expect_match({"BAMBANG S. WIJAYA", "BAMBANG SURYO WIJAYA"});
  expect_no_match({"K. RIDWAN", "MUHAMMAD RIDWAN"});
}

TEST_F(NameSimilarityTest, MuhammadVariantsAreTheSame) {
  for (const char* form : {"MUH RIDWAN", "MOH. RIDWAN", "MOCH RIDWAN", "MOHD RIDWAN",
                           "MUHAMAD RIDWAN", "MOCHAMAD RIDWAN", "MOHAMMAD RIDWAN"}) {
    EXPECT_DOUBLE_EQ(name_similarity(form, "MUHAMMAD RIDWAN"), 1.0) << form;
  }
}

TEST_F(NameSimilarityTest, DiacriticsAndPunctuationDoNotCount) {
  EXPECT_DOUBLE_EQ(name_similarity("Josè Ramos-Horta", "JOSE RAMOS HORTA"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("Ma'ruf Amin", "MARUF AMIN"), 1.0);
}

TEST_F(NameSimilarityTest, OneTypoScoresHigh) {
  expect_match({"BUDI SANTOSO", "BUDY SANTOSO"});
  expect_match({"SITI AMINAH", "SITI AMIANH"});   // transposition
  expect_match({"DEWI LESTARI", "DEWI LESTAR"});   // dropped letter
  expect_match({"BUDI", "BUDY"});                  // even a 4-letter mononym
  expect_match({"SUHARTO", "SUHARTA"});
  expect_match({"NURHAYATI", "NUR HAYATI"});       // a space typed or lost
}

TEST_F(NameSimilarityTest, SantosoAndSantosaAreOneName) {
  // Decided: one slip apart, and a genuine Javanese -o/-a spelling variant of one name.
  expect_match({"BUDI SANTOSO", "BUDI SANTOSA"});
}

TEST_F(NameSimilarityTest, DifferentPeopleDoNotMatch) {
  expect_no_match({"SITI AMINAH", "SITI AISYAH"});
  expect_no_match({"AGUS", "AGUSTINA"});
  expect_no_match({"AHMAD FAUZI", "AHMAD FAUZAN"});
  expect_no_match({"ANDI SETIAWAN", "ANDI SETIADI"});
  expect_no_match({"SITI NUR AMINAH", "SITI RINA AMINAH"});  // another middle name
  expect_no_match({"BUDI", "BUDI SANTOSO"});                 // a family name missing
  expect_no_match({"SITI", "SITI AMINAH"});
  expect_no_match({"NUR", "NOR"});                           // too short to call it a typo
  EXPECT_LT(name_similarity("BAMBANG SUSILO", "DEWI KARTIKA SARI"), 0.3);
  EXPECT_LT(name_similarity("YUDHOYONO", "MEGAWATI"), 0.3);
}

TEST_F(NameSimilarityTest, ThresholdSitsInTheGap) {
  // The margins the threshold was chosen from (name_match.h).
  const double lowest_match = std::min({name_similarity("SRI ENDANG WAHYUNI", "SRI WAHYUNI"),
                                        name_similarity("BUDI", "BUDY"),
                                        name_similarity("M. RIDWAN", "MUHAMMAD RIDWAN")});
  const double highest_miss = std::max({name_similarity("SITI NUR AMINAH", "SITI RINA AMINAH"),
                                        name_similarity("SITI AMINAH", "SITI AISYAH"),
                                        name_similarity("AGUS", "AGUSTINA")});
  std::printf("lowest must-match %.4f, highest must-not %.4f\n", lowest_match, highest_miss);
  EXPECT_GE(lowest_match - kNameMatchThreshold, 0.015);
  EXPECT_GE(kNameMatchThreshold - highest_miss, 0.03);
}

TEST_F(NameSimilarityTest, Properties) {
  const Pair pairs[] = {{"SITI AMINAH", "AMINAH SITI"},   {"M. RIDWAN", "MUHAMMAD RIDWAN"},
                        {"SITI NUR AMINAH", "SITI AMINAH"}, {"AGUS", "AGUSTINA"},
                        {"BUDI SANTOSO", "SANTOSO"},      {"A B C D", "D C B A E"},
                        {"NURHAYATI", "NUR HAYATI"},      {"", "BUDI"}};
  for (const Pair& p : pairs) {
    const double ab = name_similarity(p.a, p.b);
    EXPECT_DOUBLE_EQ(ab, name_similarity(p.b, p.a)) << p.a << " / " << p.b;
    EXPECT_GE(ab, 0.0);
    EXPECT_LE(ab, 1.0);
    EXPECT_FALSE(std::isnan(ab));
  }
  for (const char* name : {"SITI AMINAH", "Hj. Siti Aminah, S.Pd.", "A", "MUHAMMAD"}) {
    EXPECT_DOUBLE_EQ(name_similarity(name, name), 1.0) << name;
  }
}

TEST_F(NameSimilarityTest, EmptyAgainstAnythingIsZero) {
  EXPECT_EQ(name_similarity("", ""), 0.0);
  EXPECT_EQ(name_similarity("", "SITI AMINAH"), 0.0);
  EXPECT_EQ(name_similarity("SITI AMINAH", "   "), 0.0);
  EXPECT_EQ(name_similarity("...", "..."), 0.0);
  EXPECT_FALSE(names_match("", ""));
}

TEST_F(NameSimilarityTest, HostileInputIsBoundedAndSafe) {
  const std::string huge(10 * 1024, 'A');
  std::string junk;
  for (int i = 0; i < 10 * 1024; ++i) junk += static_cast<char>(i * 37 % 256);
  std::string many_words;
  for (int i = 0; i < 3000; ++i) {
    many_words += static_cast<char>('A' + i % 26);
    many_words += ' ';
  }
  const std::initializer_list<const std::string*> inputs{&huge, &junk, &many_words};
  for (const std::string* s : inputs) {
    const double x = name_similarity(*s, "SITI AMINAH");
    EXPECT_FALSE(std::isnan(x));
    EXPECT_GE(x, 0.0);
    EXPECT_LE(x, 1.0);
    EXPECT_DOUBLE_EQ(name_similarity(*s, *s), normalise_name(*s).empty() ? 0.0 : 1.0);
  }
  // Only the first kMaxNameBytes count: a difference beyond them is not seen.
  EXPECT_DOUBLE_EQ(name_similarity(huge, huge + "B"), 1.0);
}

TEST(NameKeySimilarityTest, IsNameSimilarityOnPhoneticKeys) {
  const char* pairs[][2] = {{"SOEJONO", "SUYONO"},
                            {"H. Budi Santoso, S.Pd", "BUDI SANTOSO"},
                            {"M. RIDWAN", "MUHAMMAD RIDWAN"},
                            {"SITI AMINAH", "AMINAH SITI"},
                            {"AGUS", "AGUSTINA"},
                            {"SITI NUR AMINAH", "SITI AMINAH"},
                            {"", "BUDI"},
                            {"NURHAYATI", "NUR HAYATI"}};
  for (const auto& [a, b] : pairs) {
    EXPECT_DOUBLE_EQ(key_similarity(phonetic_key(a), phonetic_key(b)), name_similarity(a, b))
        << a << " / " << b;
  }
  EXPECT_DOUBLE_EQ(key_similarity("", ""), 0.0);
  EXPECT_DOUBLE_EQ(key_similarity("BUDI", "BUDI"), 1.0);
}

}  // namespace
}  // namespace ektp
