// Matching of Indonesian personal names: an agency (BPJS, a bank) sends the name it holds for a NIK
// and learns whether it is *sesuai* with the register and how similar it is. Bulk matching uses the
// same normalisation. Pure functions, no I/O, no shared state; thread-safe.
//
// Decisions
// * Work is bounded: every input is cut to its first kMaxNameBytes (256) bytes before anything
//   else, and a name keeps at most kMaxNameTokens (16) words. Invalid UTF-8 bytes read as spaces.
//   Nothing here throws on odd input and no score is NaN.
// * normalise_name gives a *matching key*, not a display form:
//   - upper case ASCII; Latin-1 and Latin Extended-A letters fold to ASCII (É→E, Ü→U, Ñ→N, Æ→AE,
//     ß→SS, Ł→L, Š→S …); combining accents (U+0300–U+036F, decomposed input) are dropped;
//   - apostrophes (' ` ´ ‘ ’ ʼ ʻ) are REMOVED, joining the word: MA'RUF → MARUF, NU’MAN → NUMAN;
//     hyphens and dashes become a SPACE, splitting it: SITI-AMINAH → SITI AMINAH;
//   - any other punctuation, digits excepted, is a space; digits are kept (HAMENGKUBUWONO 10);
//   - titles are removed only as whole tokens from closed lists, so a name word is never cut:
//     leading honorifics (PROF DR DRS DRA DRG DRH IR H HJ HJH HAJI HAJJAH KH RADEN; R. RA. RR. NY.
//     only when written with a dot) are dropped from the front, repeatedly, while a word remains;
//     academic degrees (S.PD, S.E, S.H, S.KOM, S.T, M.M, M.SI, M.PD, A.MD, SKM, SP.OG …) are
//     dropped anywhere but the first word when written with a dot, after a comma, or when the bare
//     form cannot be a name word (SPD, SKOM, MPD …; bare SE, SH, ST, MM, MA stay: they could be);
//   - a dotted word that is no title splits at its dots: "M.RIDWAN" → M RIDWAN;
//   - old spellings (van Ophuijsen / Soewandi) map to EYD, left to right: OE→U, DJ→J, TJ→C,
//     NJ→NY, SJ→SY, CH→KH. J→Y is NOT done here, since a lone J is ambiguous: old SUJONO is
//     modern SUYONO but modern JOKO (from DJOKO) is J. phonetic_key resolves that instead;
//   - whitespace collapses to single spaces, none leading or trailing.
// * phonetic_key(x) = normalise_name(x), then per word: the MUHAMMAD family (MUH MOH MOCH MOHD MHD
//   MUHAMAD MOCHAMAD MOHAMMAD MUCHAMMAD MOHAMED …) → MUHAMMAD and ABD → ABDUL; then J and Y merge
//   into Y (old J = modern Y, and old DJ = modern J already became J, so both spellings of
//   SUJONO/SUYONO and DJOKO/JOKO land on one key), KH→H (ACHMAD/AKHMAD/AHMAD, CHAIRUL/KHAIRUL/
//   HAIRUL), DH→D, TH→T, SY→S (RAMADHAN, FATHUR, SYAIFUL), Q→K, doubled letters collapse
//   (MUHAMMAD/MUHAMAD, HASSAN/HASAN). It can block candidates in bulk matching.
// * name_similarity compares phonetic keys word by word (see the .cpp for the formula):
//   - word score: 1 if equal; an initial against a word with that first letter 0.9; otherwise a
//     "typing budget" on the Damerau (OSA) edit distance d over the longer length L: words of 4–7
//     letters may carry 1 slip, of 8+ letters 2, of 1–3 none. Within budget 1 − 0.25·d/L (one slip
//     in BUDI/BUDY = 0.94), beyond it 0.6·(1 − d/L) (AMINAH/AISYAH, keys AMINAH/AISAH: 0.40).
//     Jaro–Winkler was not used: its prefix bonus scores AGUS/AGUSTINA 0.90 and SRI/SRIYANI
//     0.87, and Indonesian names share prefixes constantly, so a prefix must not be evidence;
//   - words are paired by an optimal assignment (Hungarian method) maximising Σ score·weight, the
//     weight of a pair being its mean length, so word order does not matter; an order swap costs
//     3% (SITI AMINAH / AMINAH SITI = 0.97);
//   - an unpaired word costs a quarter of its length when it sits between paired words (a missing
//     middle name: SITI NUR AMINAH / SITI AMINAH = 0.93) and 70% when it is first or last (a missing
//     given or family name: BUDI / BUDI SANTOSO = 0.45);
//   - names whose letters are equal once the spaces are gone score at least 0.98 (NURHAYATI /
//     NUR HAYATI); only equality counts, as a slip budget over joined letters lets a different
//     word through;
//   - symmetric (the pair is put in a canonical order first); identical non-empty keys give 1.0;
//     an empty key on either side gives 0.0;
//   - a comparison allocates nothing: keys are cut to kMaxNameBytes and kMaxNameTokens words, so
//     the word lists, score matrices and edit-distance rows live on the stack (bulk matching
//     makes millions of comparisons; key_similarity takes precomputed keys).
// * kNameMatchThreshold = 0.85. In the tests every must-match pair scores ≥ 0.87 (the lowest: a
//   6-letter middle name missing, SRI ENDANG WAHYUNI / SRI WAHYUNI = 0.87; a typo in a 4-letter
//   mononym 0.94; an initial M. RIDWAN / MUHAMMAD RIDWAN 0.96) and every must-not pair ≤ 0.74 (the
//   highest: a different middle name, SITI NUR AMINAH / SITI RINA AMINAH = 0.74; a different last
//   word, AHMAD FAUZI / AHMAD FAUZAN 0.69, SITI AMINAH / SITI AISYAH 0.65; AGUS / AGUSTINA 0.30).
//   0.85 sits in that gap, nearer the match side, because the register already fixes the person
//   by NIK (and sex and birth date): what the name check must catch is a different person's
//   name, not a slip of the keyboard.
// * Known, accepted consequences of typo tolerance: names one slip apart are one name to this
//   module — BUDI SANTOSO / BUDI SANTOSA match (also a genuine Javanese -o/-a spelling variant of
//   one name), and so do WAHYUNI/WAHYUDI, PUTRA/PUTRI. Agencies must not use the score to
//   identify a person among many; it verifies a claimed name against one record.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ektp {

inline constexpr std::size_t kMaxNameBytes = 256;  // longer inputs are cut to this before matching
inline constexpr std::size_t kMaxNameTokens = 16;  // words beyond this are ignored

// A score at or above this is *sesuai* (the claimed name matches the register); see above.
inline constexpr double kNameMatchThreshold = 0.85;

// The matching key of a name: upper-case ASCII words separated by single spaces, titles removed,
// old spellings in EYD. Empty when nothing name-like remains.
std::string normalise_name(std::string_view utf8);

// normalise_name plus the merges above (MUHAMMAD family, J/Y, KH/H, doubled letters …).
std::string phonetic_key(std::string_view utf8);

// Similarity of two names in [0, 1]; 0 when either has no name-like content.
double name_similarity(std::string_view a, std::string_view b);

// name_similarity(a, b) >= kNameMatchThreshold.
bool names_match(std::string_view a, std::string_view b);

// name_similarity on keys already made by phonetic_key: key_similarity(phonetic_key(a),
// phonetic_key(b)) == name_similarity(a, b). For callers that compare one key with many (bulk
// matching keeps the register's keys precomputed); the keys are not normalised again.
double key_similarity(std::string_view key_a, std::string_view key_b);

}  // namespace ektp
