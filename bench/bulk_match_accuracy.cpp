// Accuracy and speed of bulk matching (bench/README.md, "Bulk matching accuracy"): a demo register
// of --persons persons (registry/demo), a share of them dead and a share kept out of the index as
// "not in the register"; an agency file of --rows rows with faults (bulk_matching/
// agency_file_generator.h); every row matched (bulk_matching/row_matcher.h) and scored against the
// truth. Prints the counts per fault, precision and recall of found_by_demographics and of the
// name verdicts, a threshold sweep, the rates and the memory per person.
//
// Usage: ektp_bulk_match_accuracy [--persons N] [--rows N] [--seed N] [--threads N] [--calibrate]
//   --calibrate prints m/u estimates for match_parameters.h instead of the accuracy table.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bulk_matching/agency_file_generator.h"
#include "bulk_matching/field_keys.h"
#include "bulk_matching/register_index.h"
#include "bulk_matching/row_comparison.h"
#include "bulk_matching/row_matcher.h"
#include "core/parallel_for.h"
#include "core/splitmix64.h"
#include "registry/demo/demo_population.h"

namespace {

namespace bulk = ektp::bulk;
using Clock = std::chrono::steady_clock;

struct Args {
  std::size_t persons = 200'000;
  std::size_t rows = 100'000;
  std::uint64_t seed = 11;
  std::size_t threads = ektp::hardware_threads();
  bool calibrate = false;
  bool minimal = false;  // the file has only NIK, name and birth date
  std::size_t show_misses = 0;  // print this many registered persons the demographic path missed
  double outsider_persons_share = 0.05;  // generated persons kept out of the index
  double deceased_share = 0.02;
};

// CPU time of the calling thread: the per-core rates do not count time other processes took.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

bulk::RegisterEntry entry_of(const ektp::Person& p) {
  bulk::RegisterEntry e;
  e.nik = p.nik;
  e.name = p.name;
  e.birth_date = p.birth_date;
  e.birth_place = p.birth_place;
  e.sex = p.sex;
  e.mother_name = p.mother_name;
  e.address = p.address.street;
  e.village_code = p.address.village_code;
  e.alive = p.alive;
  return e;
}

double ratio(std::size_t a, std::size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / b; }

constexpr std::uint32_t bit(bulk::Fault f) { return 1u << static_cast<unsigned>(f); }
// Faults that change the name only by its spelling (and the NIK's absence).
constexpr std::uint32_t kSpellingOnly =
    bit(bulk::Fault::kOldSpelling) | bit(bulk::Fault::kTitle) |
    bit(bulk::Fault::kMuhammadAbbreviated) | bit(bulk::Fault::kWordOrder) |
    bit(bulk::Fault::kPatronymic) | bit(bulk::Fault::kNameTypo);
constexpr std::uint32_t kDateFaults =
    bit(bulk::Fault::kSwappedDayMonth) | bit(bulk::Fault::kYearOff);

void calibrate(const std::vector<bulk::GeneratedRow>& rows, const bulk::RegisterIndex& index,
               std::uint64_t seed) {
  // counts[comparison][level][0 = m, 1 = u]
  std::array<std::array<std::array<double, 2>, 4>, 6> counts{};
  const auto add = [&](const bulk::ComparisonLevels& l, int side) {
    if (l.name) counts[0][static_cast<std::size_t>(*l.name)][side] += 1;
    if (l.birth_date) counts[1][static_cast<std::size_t>(*l.birth_date)][side] += 1;
    if (l.sex) counts[2][*l.sex ? 0 : 1][side] += 1;
    if (l.birth_place) counts[3][*l.birth_place ? 0 : 1][side] += 1;
    if (l.mother) counts[4][static_cast<std::size_t>(*l.mother)][side] += 1;
    if (l.village) counts[5][*l.village ? 0 : 1][side] += 1;
  };
  ektp::SplitMix64 random(seed);
  for (const auto& g : rows) {
    if (!g.true_nik || g.has(bulk::Fault::kOtherName) || g.has(bulk::Fault::kDuplicate)) continue;
    const auto id = index.find_nik(*g.true_nik);
    if (!id) continue;
    const bulk::ClaimKeys claim = bulk::claim_keys(g.row);
    add(bulk::compare_levels(claim, index.person(*id)), 0);
    for (int k = 0; k < 20; ++k) {
      const auto other = static_cast<bulk::PersonId>(random.next() % index.size());
      if (other == *id) continue;
      add(bulk::compare_levels(claim, index.person(other)), 1);
    }
  }
  const char* names[6] = {"name", "birth_date", "sex", "birth_place", "mother", "village"};
  const std::size_t levels[6] = {4, 4, 2, 2, 3, 2};
  for (std::size_t c = 0; c < 6; ++c) {
    double m_total = 0, u_total = 0;
    for (std::size_t l = 0; l < levels[c]; ++l) {
      m_total += counts[c][l][0] + 1;
      u_total += counts[c][l][1] + 1;
    }
    std::printf("%-12s", names[c]);
    for (std::size_t l = 0; l < levels[c]; ++l) {
      const double m = (counts[c][l][0] + 1) / m_total;
      const double u = (counts[c][l][1] + 1) / u_total;
      std::printf("  {m %.4g, u %.4g, w %+.1f}", m, u, std::log2(m / u));
    }
    std::printf("\n");
  }
}

// Precision and recall of found_by_demographics for other accept weights and margins, from one
// pass with acceptance off (every runner-up within 12 bits is exact).
void sweep(const std::vector<bulk::GeneratedRow>& rows, const bulk::RegisterIndex& index) {
  bulk::MatchParameters open = bulk::default_match_parameters();
  open.accept_weight = 0;
  open.winner_margin = 12;
  bulk::MatchOptions options;
  options.parameters = &open;
  struct Seen {
    double best = 0;
    std::optional<double> second;
    bool agrees = false;
    bool right = false;
    bool in_index = false;
  };
  std::vector<Seen> seen;
  for (const auto& g : rows) {
    const bulk::MatchDetail d = bulk::match_row_detailed(g.row, index, options);
    if (!d.by_demographics) continue;
    const bool right = d.best_candidate && g.true_nik &&
                       bulk::nik_text(index.person(*d.best_candidate).nik) == *g.true_nik;
    seen.push_back({d.best_candidate ? d.best_weight : -1e9, d.runner_up_weight,
                    d.best_name_agrees, right,
                    g.true_nik.has_value() && !g.has(bulk::Fault::kOtherName)});
  }
  std::printf("\nsweep (demographic rows: precision / recall at accept weight × winner margin):\n");
  std::printf("  accept");
  for (double m : {0.0, 2.0, 4.0, 6.0, 8.0}) std::printf("   margin %-4.0f     ", m);
  std::printf("\n");
  for (double t : {6.0, 10.0, 14.0, 18.0, 22.0, 26.0, 30.0}) {
    std::printf("  %5.0f ", t);
    for (double m : {0.0, 2.0, 4.0, 6.0, 8.0}) {
      std::size_t found = 0, right = 0, eligible = 0;
      for (const Seen& x : seen) {
        eligible += x.in_index ? 1 : 0;
        const bool take = x.agrees && x.best >= t && (!x.second || x.best - *x.second >= m);
        found += take ? 1 : 0;
        right += take && x.right ? 1 : 0;
      }
      std::printf("  %.4f / %.4f", ratio(right, found), ratio(right, eligible));
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const auto value = [&] { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0ULL; };
    if (!std::strcmp(argv[i], "--persons")) {
      args.persons = value();
    } else if (!std::strcmp(argv[i], "--rows")) {
      args.rows = value();
    } else if (!std::strcmp(argv[i], "--seed")) {
      args.seed = value();
    } else if (!std::strcmp(argv[i], "--threads")) {
      args.threads = std::max<std::size_t>(1, value());
    } else if (!std::strcmp(argv[i], "--calibrate")) {
      args.calibrate = true;
    } else if (!std::strcmp(argv[i], "--minimal")) {
      args.minimal = true;
    } else if (!std::strcmp(argv[i], "--show-misses")) {
      args.show_misses = value();
    } else {
      std::fprintf(stderr, "usage: %s [--persons N] [--rows N] [--seed N] [--threads N] "
                   "[--calibrate] [--minimal] [--show-misses N]\n", argv[0]);
      return 2;
    }
  }
  const long rss_start = max_rss_kib();
  // 1. The register: demo persons; every 20th kept out (outsiders), 2 % of the rest dead.
  std::vector<bulk::RegisterEntry> members;
  std::vector<bulk::RegisterEntry> outsiders;
  ektp::registry::demo::DemoOptions demo;
  demo.persons =
      args.persons + static_cast<std::size_t>(args.persons * args.outsider_persons_share);
  demo.seed = args.seed;
  demo.today = ektp::CivilDate{std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}};
  ektp::SplitMix64 random(args.seed * 7919 + 1);
  std::size_t k = 0;
  auto status = ektp::registry::demo::generate_demo_population(
      demo, ektp::RegionDirectory::builtin(),
      [&](std::span<const ektp::Family>, std::span<const ektp::Person> persons) -> ektp::Status {
        for (const ektp::Person& p : persons) {
          bulk::RegisterEntry e = entry_of(p);
          if (++k % 21 == 0) {
            outsiders.push_back(std::move(e));
            continue;
          }
          if (random.unit() < args.deceased_share) e.alive = false;
          members.push_back(std::move(e));
        }
        return {};
      });
  if (!status) {
    std::fprintf(stderr, "demo population: %s\n", status.error().message.c_str());
    return 1;
  }
  // 2. The index, fed in batches of 5,000 as a job would from the database.
  const long rss_before_index = max_rss_kib();
  const auto t_build = Clock::now();
  const double cpu_build = thread_cpu_seconds();
  bulk::RegisterIndexBuilder builder;
  for (std::size_t at = 0; at < members.size(); at += 5000) {
    const std::size_t n = std::min<std::size_t>(5000, members.size() - at);
    if (auto s = builder.add_batch(std::span(members).subspan(at, n)); !s) {
      std::fprintf(stderr, "index: %s\n", s.error().message.c_str());
      return 1;
    }
  }
  auto built = builder.finish();
  if (!built) {
    std::fprintf(stderr, "index: %s\n", built.error().message.c_str());
    return 1;
  }
  const double build_s = seconds_since(t_build);
  const double build_cpu_s = thread_cpu_seconds() - cpu_build;
  const bulk::RegisterIndex& index = *built;
  const bulk::RegisterIndexStats st = index.stats();

  // 3. The agency file.
  bulk::GeneratorOptions file;
  file.seed = args.seed;
  file.rows = args.rows;
  if (args.minimal) {
    file.with_sex = file.with_birth_place = file.with_mother_name = file.with_village_code = false;
  }
  auto generated = bulk::generate_agency_file(members, outsiders, file);
  if (!generated) {
    std::fprintf(stderr, "agency file: %s\n", generated.error().message.c_str());
    return 1;
  }
  const std::vector<bulk::GeneratedRow>& rows = *generated;
  if (args.calibrate) {
    calibrate(rows, index, args.seed);
    return 0;
  }

  // 4. Match: one thread (rates per core by path), then all threads.
  bulk::MatchOptions options;
  options.reveal_matched_nik = true;
  std::vector<bulk::MatchDetail> details(rows.size());
  double nik_path_s = 0, demo_path_s = 0;
  std::size_t nik_path_rows = 0, demo_path_rows = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double t = thread_cpu_seconds();
    details[i] = bulk::match_row_detailed(rows[i].row, index, options);
    const double s = thread_cpu_seconds() - t;
    if (details[i].by_demographics) {
      demo_path_s += s;
      ++demo_path_rows;
    } else {
      nik_path_s += s;
      ++nik_path_rows;
    }
  }
  std::vector<bulk::RowOutcome> again(rows.size());
  std::vector<bulk::ClaimRow> claims;
  claims.reserve(rows.size());
  for (const auto& g : rows) claims.push_back(g.row);
  const auto t_parallel = Clock::now();
  bulk::match_rows(claims, index, options, args.threads, again);
  const double parallel_s = seconds_since(t_parallel);
  std::size_t disagreements = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    disagreements += again[i].result != details[i].outcome.result ? 1 : 0;
  }

  // 5. Score.
  std::array<std::size_t, bulk::kRowResultCount> by_result{};
  struct FaultStat { std::size_t rows = 0, demo = 0, found = 0, wrong = 0; };
  std::array<FaultStat, bulk::kFaultCount> by_fault{};
  std::size_t found_total = 0, found_right = 0, eligible = 0, eligible_found = 0;
  std::size_t spelling_rows = 0, spelling_found = 0, spelling_wrong = 0;
  std::size_t outsiders_found = 0, outsider_rows = 0;
  std::size_t sesuai_tp = 0, sesuai_fp = 0, sesuai_fn = 0, tidak_tn = 0;
  std::size_t deceased_rows = 0, deceased_right = 0, mistyped_hits_other = 0, overflowed = 0;
  double candidates_sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bulk::GeneratedRow& g = rows[i];
    const bulk::MatchDetail& d = details[i];
    const bulk::RowResult r = d.outcome.result;
    ++by_result[static_cast<std::size_t>(r)];
    overflowed += d.blocks_overflowed;
    const std::optional<std::string> got =
        d.person ? std::optional(bulk::nik_text(index.person(*d.person).nik)) : std::nullopt;
    const bool right = got && g.true_nik && *got == *g.true_nik;
    const bool in_index = g.true_nik.has_value();
    const bool dead = in_index && !index.person(*index.find_nik(*g.true_nik)).alive;
    if (dead) {
      ++deceased_rows;
      deceased_right += r == bulk::RowResult::kDeceased && right ? 1 : 0;
    }
    for (std::size_t f = 0; f < bulk::kFaultCount; ++f) {
      if (!g.has(static_cast<bulk::Fault>(f))) continue;
      ++by_fault[f].rows;
      if (d.by_demographics && in_index) {
        ++by_fault[f].demo;
        by_fault[f].found += d.person && right ? 1 : 0;
        by_fault[f].wrong += d.person && !right ? 1 : 0;
      }
    }
    if (d.by_demographics) {
      candidates_sum += static_cast<double>(d.candidates);
      if (d.person) {
        ++found_total;
        found_right += right ? 1 : 0;
      }
      if (in_index && !g.has(bulk::Fault::kOtherName)) {  // another's name: not findable
        ++eligible;
        eligible_found += right ? 1 : 0;
        if (!right && args.show_misses > 0) {
          --args.show_misses;
          const bulk::PersonView truth = index.person(*index.find_nik(*g.true_nik));
          std::printf("miss: '%s' %s (register key '%.*s' %s), faults %x, best %.1f, second %.1f\n",
                      g.row.name->c_str(), ektp::format_civil_date(*g.row.birth_date).c_str(),
                      static_cast<int>(truth.name_key.size()), truth.name_key.data(),
                      ektp::format_civil_date(bulk::unpack_date(truth.birth_date)).c_str(),
                      g.faults, d.best_weight, d.runner_up_weight.value_or(-99));
        }
        if ((g.faults & (kDateFaults | bit(bulk::Fault::kOtherName))) == 0 &&
            (g.faults & kSpellingOnly) != 0) {
          ++spelling_rows;
          spelling_found += right ? 1 : 0;
          spelling_wrong += d.person && !right ? 1 : 0;
        }
      } else if (!in_index) {
        ++outsider_rows;
        outsiders_found += d.person ? 1 : 0;
      }
    } else if (d.person && g.row.nik && g.true_nik) {
      if (*g.row.nik != *g.true_nik) {
        ++mistyped_hits_other;
        continue;  // the NIK named someone else: not a name-verdict case
      }
      const bool same = !g.has(bulk::Fault::kOtherName);
      const bool sesuai = d.outcome.verdicts[static_cast<std::size_t>(bulk::Column::kName)] ==
                          bulk::FieldVerdict::kSesuai;
      sesuai_tp += same && sesuai ? 1 : 0;
      sesuai_fp += !same && sesuai ? 1 : 0;
      sesuai_fn += same && !sesuai ? 1 : 0;
      tidak_tn += !same && !sesuai ? 1 : 0;
    }
  }

  std::printf("register: %zu persons indexed (%zu outsiders kept out, %zu dead), seed %llu\n",
              index.size(), outsiders.size(),
              static_cast<std::size_t>(std::count_if(members.begin(), members.end(),
                                                     [](const auto& e) { return !e.alive; })),
              static_cast<unsigned long long>(args.seed));
  std::printf("agency file: %zu rows\n\nresults:\n", rows.size());
  for (std::size_t r = 0; r < bulk::kRowResultCount; ++r) {
    std::printf("  %-22s %8zu\n",
                std::string(bulk::row_result_id(static_cast<bulk::RowResult>(r))).c_str(),
                by_result[r]);
  }
  std::printf("\nfaults (rows; of them on the demographic path with the person registered: found "
              "right / wrong person):\n");
  for (std::size_t f = 0; f < bulk::kFaultCount; ++f) {
    const FaultStat& s = by_fault[f];
    std::printf("  %-22s %8zu   demographic %7zu  right %7zu (%5.1f %%)  wrong %4zu\n",
                std::string(bulk::fault_id(static_cast<bulk::Fault>(f))).c_str(), s.rows, s.demo,
                s.found, 100 * ratio(s.found, s.demo), s.wrong);
  }
  std::printf("\nfound_by_demographics (incl. deceased found by demographics):\n");
  std::printf("  precision  %.4f  (%zu right of %zu found)\n", ratio(found_right, found_total),
              found_right, found_total);
  std::printf("  recall     %.4f  (%zu of %zu demographic rows whose person is registered, the "
              "name theirs)\n",
              ratio(eligible_found, eligible), eligible_found, eligible);
  std::printf("  recall, name differs only by spelling (date exact): %.4f (%zu of %zu; wrong "
              "%zu)\n",
              ratio(spelling_found, spelling_rows), spelling_found, spelling_rows, spelling_wrong);
  std::printf("  outsiders wrongly found: %zu of %zu\n", outsiders_found, outsider_rows);
  std::printf("  candidates weighed per demographic row: %.1f; blocks over the cap: %zu\n",
              ratio(static_cast<std::size_t>(candidates_sum), demo_path_rows), overflowed);
  std::printf("\nname verdicts on NIK rows (truth: the same person's name, or another's):\n");
  std::printf("  sesuai precision %.4f  recall %.4f  (tp %zu fp %zu fn %zu; other names caught %zu "
              "of %zu)\n",
              ratio(sesuai_tp, sesuai_tp + sesuai_fp), ratio(sesuai_tp, sesuai_tp + sesuai_fn),
              sesuai_tp, sesuai_fp, sesuai_fn, tidak_tn, tidak_tn + sesuai_fp);
  std::printf("  mistyped NIKs that named another registered person: %zu\n", mistyped_hits_other);
  std::printf("deceased rows reported deceased (right person): %zu of %zu\n", deceased_right,
              deceased_rows);
  sweep(rows, index);
  std::printf("\nrates (per core: thread CPU time, one thread):\n");
  std::printf("  index build      %.2f s wall, %.2f s CPU: %.0f persons/s per core\n", build_s,
              build_cpu_s, static_cast<double>(index.size()) / build_cpu_s);
  std::printf("  NIK path         %.0f rows/s per core (%zu rows, %.2f us/row)\n",
              static_cast<double>(nik_path_rows) / nik_path_s, nik_path_rows,
              1e6 * nik_path_s / static_cast<double>(std::max<std::size_t>(1, nik_path_rows)));
  std::printf("  demographic path %.0f rows/s per core (%zu rows, %.2f us/row)\n",
              static_cast<double>(demo_path_rows) / demo_path_s, demo_path_rows,
              1e6 * demo_path_s / static_cast<double>(std::max<std::size_t>(1, demo_path_rows)));
  std::printf("  all rows, %zu threads: %.0f rows/s (%.2f s; results equal to the one-thread run: "
              "%s)\n",
              args.threads, static_cast<double>(rows.size()) / parallel_s, parallel_s,
              disagreements == 0 ? "yes" : "NO");
  std::printf("\nmemory:\n");
  std::printf("  index %.1f MB = %.1f B/person (columns %.1f, blocks %.1f over %zu postings in %zu "
              "buckets, strings %.1f over %zu distinct, terms %.1f over %zu words)\n",
              st.total_bytes() / 1e6, ratio(st.total_bytes(), st.persons),
              ratio(st.column_bytes, st.persons), ratio(st.block_bytes, st.persons), st.postings,
              st.buckets, ratio(st.string_bytes, st.persons), st.distinct_strings,
              ratio(st.term_bytes, st.persons), st.distinct_name_words);
  std::printf("  peak RSS %.0f MB (%.0f MB before the index, %.0f MB at start)\n",
              max_rss_kib() / 1024.0, rss_before_index / 1024.0, rss_start / 1024.0);
  return 0;
}
