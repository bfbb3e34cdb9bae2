// The matching keys of the fields bulk matching compares, made once per register person (when
// the index is built) and once per claimed row, so that comparing a row with a candidate never
// normalises text again; plus the demographic blocking keys both sides derive from them.
// Pure functions, no I/O, no shared state; thread-safe.
//
// Decisions
// * Names (and mothers' names): phonetic_key (core/name_match.h: titles and degrees gone, old
//   spellings in EYD, the MUHAMMAD family, J/Y, KH/H, doubled letters). A patronymic "X BIN Y" /
//   "X BINTI Y" (also BT, BINTE; never as the first word) keeps, beside the full key, the *main*
//   key X: the register rarely writes the father's name, agencies often do.
// * Place of birth: phonetic_key with leading KABUPATEN / KAB / KOTA / KOTAMADYA / KOTA ADM words
//   dropped (KAB. PEMALANG = PEMALANG, TJILATJAP = CILACAP); compared with key_similarity, so one
//   slip is tolerated (accepted: two places one slip apart compare equal).
// * Address: upper-case ASCII letters and digits, filler words dropped (JL JLN JALAN NO NOMOR GG
//   GANG DUSUN DSN DS KP KAMPUNG KOMPLEK PERUM BLOK), at most 16 words; compared with
//   key_similarity (word order free, one slip per long word, numbers exact).
// * Blocking: a person is filed under (word, birth date) for each distinct word of at least two
//   letters of the main name key (initials carry too little), and under (letter, birth date) for
//   each distinct first letter and each distinct last letter of those words (the fallback for
//   names with a slip in every word, e.g. a one-word name). A claim looks in those blocks for each
//   of its *tolerated dates*: the date itself, day and month swapped (when that is a real date),
//   and the same day one year earlier and later (29 February falls back to 28). Any other date
//   error is not tolerated: a person then is not found. At most kBlockWordsMax words are used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"

namespace ektp::bulk {

inline constexpr std::size_t kBlockWordsMax = 8;

struct NameKeys {
  std::string full;  // phonetic_key of the whole name
  std::string main;  // the part before BIN/BINTI; equal to `full` when there is none
};

NameKeys name_keys(std::string_view name);
std::string place_key(std::string_view place);
std::string address_key(std::string_view address);

// Name similarity 0–1 of two names given as keys: the best of full/full and main/main.
double name_keys_similarity(const NameKeys& a, const NameKeys& b);
// The same with the register side stored as one key string: its main key is re-derived from it.
double name_key_similarity(const NameKeys& claim, std::string_view register_full_key);
// The main part of a full key (text before a BIN/BINTI/BT/BINTE word that is not the first).
std::string_view main_part(std::string_view full_key);

// A birth date packed as year << 9 | month << 5 | day (0 for an invalid date).
std::uint32_t pack_date(CivilDate date);
CivilDate unpack_date(std::uint32_t packed);

// The dates a claimed birth date tolerates, the date itself first; no repeats, at most 4.
std::vector<std::uint32_t> tolerated_dates(std::uint32_t packed);

// How a register birth date compares with a claimed one.
enum class DateLevel : std::uint8_t { kExact, kSwappedDayMonth, kYearOff, kOther };
DateLevel compare_dates(std::uint32_t claimed, std::uint32_t registered);

// Distinct words (≥ 2 letters) of a main key, at most kBlockWordsMax, in order.
std::vector<std::string_view> blocking_words(std::string_view main_key);
// 64-bit block keys.
std::uint64_t word_block_key(std::string_view word, std::uint32_t packed_date);
std::uint64_t letter_block_key(char letter, std::uint32_t packed_date);
// Every block key of a person with this main key and birth date (words, then letters).
std::vector<std::uint64_t> person_block_keys(std::string_view main_key, std::uint32_t packed_date);
// A 64-bit fingerprint of a text as written, ASCII letters upper-cased, runs of spaces and tabs
// one space, none at either end: equal fingerprints mean equal keys (every key above is a
// function of that folded text), so the NIK path skips making keys for verbatim-equal fields.
std::uint64_t text_fingerprint(std::string_view text);
// 64-bit hash of one word (term-frequency table key).
std::uint64_t word_hash(std::string_view word);

}  // namespace ektp::bulk
