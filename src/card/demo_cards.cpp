#include "card/demo_cards.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "card/announced_deliveries.h"
#include "card/card_pickup.h"
#include "card/print_queue.h"
#include "card/printing_offices.h"
#include "card/suket_issue.h"
#include "registry/enrollment_store.h"

namespace ektp::card {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr int kHistoryDays = 36;     // working days, within the 56 since the first delivery
constexpr int kReadyPerDay = 3;
constexpr int kWaiting = 40;
constexpr int kSukets = 5;
constexpr int kNoStockWaiting = 5;

// A drawn portrait: a face-coloured oval on a plain ground, a shade of its own per resident.
std::vector<std::uint8_t> drawn_portrait(int n) {
  cv::Mat img(400, 300, CV_8UC3, cv::Scalar(235, 170 + n % 40, 120));  // the blue/red ground of ID photos
  cv::ellipse(img, {150, 175}, {80, 105}, 0, 0, 360, cv::Scalar(120 + n % 50, 150 + n % 30, 190), -1);
  cv::ellipse(img, {150, 400}, {140, 90}, 0, 0, 360, cv::Scalar(40, 40, 40 + n % 60), -1);
  cv::circle(img, {120, 160}, 9, cv::Scalar(30, 30, 30), -1);
  cv::circle(img, {180, 160}, 9, cv::Scalar(30, 30, 30), -1);
  cv::ellipse(img, {150, 222}, {28, 10}, 0, 0, 180, cv::Scalar(60, 60, 150), 3);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 80});
  return jpeg;
}

std::vector<std::uint8_t> drawn_signature(int n) {
  cv::Mat img(80, 240, CV_8UC1, cv::Scalar(255));
  std::vector<cv::Point> stroke;
  for (int x = 10; x < 230; x += 6) stroke.emplace_back(x, 40 + static_cast<int>(18 * std::sin((x + n * 7) / 14.0)));
  cv::polylines(img, stroke, false, cv::Scalar(20), 2, cv::LINE_AA);
  std::vector<std::uint8_t> png;
  cv::imencode(".png", img, png);
  return png;
}

Status enroll_ready(store::Database& db, const std::string& nik, int n, std::int64_t ready_ms) {
  registry::Enrollment e;
  e.enrollment_id = fmt::format("demo-card-{}", nik);
  e.nik = nik;
  e.station_id = "demo";
  e.operator_name = "demo.operator";
  e.captured_at_ms = ready_ms - 5 * kDayMs;
  e.received_at_ms = ready_ms - 4 * kDayMs;
  e.modalities = {"face", "assisted"};
  e.photo = drawn_portrait(n);
  e.photo_mime = "image/jpeg";
  e.photo_sha256 = registry::bytes_sha256(e.photo);
  e.signature = drawn_signature(n);
  e.signature_sha256 = registry::bytes_sha256(e.signature);
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(registry::insert_enrollment(c, e));
    EKTP_RETURN_IF_ERROR(registry::set_enrollment_status(c, e.enrollment_id, registry::EnrollmentStatus::kReadyToPrint,
                                                         ready_ms, "demo"));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

bool weekend(std::int64_t at_ms) {
  const std::chrono::weekday wd{std::chrono::sys_days{std::chrono::days{jakarta_day_of_ms(at_ms)}}};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// The regency's smallest kecamatan (with enough adults not enrolled yet) starts printing with no
// blanko: its residents who just reached siap cetak wait with no date.
Status seed_no_stock_kecamatan(store::Database& db, SuketKeys& keys, const RegionDirectory& regions,
                               std::string_view regency, std::int64_t now_ms, DemoCards& seeded) {
  std::vector<std::string> residents;
  std::string kecamatan;
  {
    auto conn = db.connect();
    if (!conn) return std::unexpected(conn.error());
    auto smallest = (*conn)->execute(
        "SELECT substr(p.village_code, 1, 6) AS k, COUNT(*) AS n FROM persons p WHERE p.alive = 1 AND "
        "p.village_code LIKE $1 AND p.birth_date < '2004-01-01' AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE "
        "e.nik = p.nik) GROUP BY substr(p.village_code, 1, 6) HAVING COUNT(*) >= $2 ORDER BY n, k LIMIT 1",
        {std::string(regency) + "%", std::int64_t{kNoStockWaiting}});
    if (!smallest) return std::unexpected(smallest.error());
    if (smallest->rows.empty()) return {};
    kecamatan = smallest->rows.front().text(0);
    auto rows = (*conn)->execute(
        "SELECT p.nik FROM persons p WHERE p.alive = 1 AND p.village_code LIKE $1 AND p.birth_date < '2004-01-01' "
        "AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.nik = p.nik) ORDER BY p.nik LIMIT $2",
        {kecamatan + "%", std::int64_t{kNoStockWaiting}});
    if (!rows) return std::unexpected(rows.error());
    for (const auto& r : rows->rows) {
      residents.push_back(r.text(0));
      auto unmarked = (*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {residents.back()});
      if (!unmarked) return std::unexpected(unmarked.error());
    }
  }
  EKTP_RETURN_IF_ERROR(register_printing_office(db, {kecamatan, "demo.supervisor", now_ms - 2 * kDayMs}));
  for (std::size_t i = 0; i < residents.size(); ++i) {
    EKTP_RETURN_IF_ERROR(enroll_ready(db, residents[i], 500 + static_cast<int>(i),
                                      now_ms - static_cast<std::int64_t>(i + 1) * 2 * kHourMs));
  }
  EKTP_ASSIGN_OR_RETURN(seeded.no_stock_waiting, queue_ready_to_print(db, now_ms));
  seeded.no_stock_office = kecamatan;
  auto suket = issue_suket(db, keys, regions, residents.front(), "demo.loket", now_ms - kHourMs);
  if (!suket) return std::unexpected(suket.error());
  ++seeded.sukets;
  return {};
}

}  // namespace

Result<DemoCards> seed_demo_cards(store::Database& db, SuketKeys& keys, const RegionDirectory& regions,
                                  std::string_view regency, std::int64_t now_ms) {
  EKTP_RETURN_IF_ERROR(validate_office_code(regency));
  std::vector<std::string> adults;
  {
    auto conn = db.connect();
    if (!conn) return std::unexpected(conn.error());
    auto any = (*conn)->execute("SELECT COUNT(*) FROM print_requests WHERE office_code = $1", {std::string(regency)});
    if (!any) return std::unexpected(any.error());
    if (any->rows.front().integer(0) > 0) return DemoCards{};
    auto rows = (*conn)->execute(
        "SELECT p.nik FROM persons p WHERE p.alive = 1 AND p.village_code LIKE $1 AND p.birth_date < '2004-01-01' "
        "AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.nik = p.nik) ORDER BY p.nik LIMIT $2",
        {std::string(regency) + "%", std::int64_t{kHistoryDays * kReadyPerDay + kWaiting}});
    if (!rows) return std::unexpected(rows.error());
    for (const auto& r : rows->rows) adults.push_back(r.text(0));
    if (adults.size() < static_cast<std::size_t>(kWaiting + 10)) return DemoCards{};
    // The demo gives many adults a card already; these have none yet.
    for (const auto& nik : adults) {
      auto unmarked = (*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik});
      if (!unmarked) return std::unexpected(unmarked.error());
    }
  }
  DemoCards seeded;
  const std::string office(regency);
  const std::size_t history = adults.size() - kWaiting;
  std::size_t next = 0;
  const std::int64_t midnight = jakarta_day_start_ms(jakarta_day_of_ms(now_ms));  // today 00:00 Jakarta
  std::vector<std::pair<std::int64_t, std::int64_t>> printed;  // request id, printed at
  // The last kHistoryDays working days before today, oldest first.
  std::vector<std::int64_t> days;
  for (std::int64_t start = midnight - kDayMs; static_cast<int>(days.size()) < kHistoryDays; start -= kDayMs) {
    if (!weekend(start)) days.insert(days.begin(), start);
  }
  for (const std::int64_t start : days) {
    for (int k = 0; k < kReadyPerDay && next < history; ++k, ++next) {
      EKTP_RETURN_IF_ERROR(enroll_ready(db, adults[next], static_cast<int>(next), start + 8 * kHourMs + k * 60'000));
    }
    EKTP_RETURN_IF_ERROR(queue_ready_to_print(db, start + 9 * kHourMs));
    for (int k = 0; k < kReadyPerDay; ++k) {
      auto card = print_next(db, {office, "demo.cetak", start + 10 * kHourMs + k * 600'000});
      if (!card) break;  // nothing waits, or no blanko
      printed.emplace_back(card->id, card->printed_at_ms);
    }
  }
  seeded.printed = static_cast<std::int64_t>(printed.size());
  // Most collect their card within a fortnight; one in eight has not come yet.
  for (std::size_t i = 0; i < printed.size(); ++i) {
    const auto [id, at] = printed[i];
    if (i % 8 == 3) continue;
    const std::int64_t collected_at = at + static_cast<std::int64_t>(1 + (i * 7) % 14) * kDayMs;
    if (collected_at >= now_ms) continue;
    PickupCheck check;
    check.request_id = id;
    check.method = PickupMethod::kAssisted;
    check.note = "demo: wajah dicocokkan dengan foto perekaman";
    check.actor = "demo.supervisor";
    check.actor_is_supervisor = true;
    check.at_ms = collected_at;
    auto outcome = collect_card(db, check);
    if (!outcome) return std::unexpected(outcome.error());
    if (outcome->collected) ++seeded.collected;
  }
  // Waiting now: ready over the last days, in the queue with their ready date.
  for (int k = 0; k < kWaiting && next < adults.size(); ++k, ++next) {
    EKTP_RETURN_IF_ERROR(enroll_ready(db, adults[next], static_cast<int>(next), now_ms - (k % 5 + 1) * 4 * kHourMs));
  }
  EKTP_ASSIGN_OR_RETURN(seeded.waiting, queue_ready_to_print(db, now_ms));
  for (int k = 0; k < kSukets; ++k) {
    auto suket = issue_suket(db, keys, regions, adults[history + static_cast<std::size_t>(k)], "demo.loket",
                             now_ms - kHourMs);
    if (!suket) return std::unexpected(suket.error());
    ++seeded.sukets;
  }
  EKTP_RETURN_IF_ERROR(seed_no_stock_kecamatan(db, keys, regions, regency, now_ms, seeded));
  return seeded;
}

}  // namespace ektp::card
