#include "card/suket_issue.h"

#include <algorithm>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "access/audit_log.h"
#include "card/card_face_source.h"
#include "card/print_queue.h"
#include "card/ready_date_source.h"
#include "core/limits.h"
#include "registry/enrollment_store.h"
#include "registry/person_store.h"

namespace ektp::card {

namespace {

constexpr std::string_view kColumns =
    "id, nik, office_code, kid, issued_by, issued_at_s, expires_at_s, qr_text, superseded_at_ms, ready_day_p10, "
    "ready_day_p50, ready_day_p90, ready_reason";

// The stable no-date reasons, as stored text back to the constants ReadyAnswer points at.
std::string_view known_reason(std::string_view stored) {
  for (std::string_view r : {ready_reason::kNoStockNoDelivery, ready_reason::kNoHistory, ready_reason::kBeyondHorizon}) {
    if (r == stored) return r;
  }
  return ready_reason::kNoHistory;
}

SuketRecord record_of(const store::Row& r) {
  SuketRecord out{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5), r.integer(6), r.text(7),
                  r.integer(8), std::nullopt};
  if (r.integer(10) != 0) {
    out.ready = ReadyAnswer{ReadyEstimate{r.integer(9), r.integer(10), r.integer(11)}, {}};
  } else if (!r.text(12).empty()) {
    out.ready = ReadyAnswer{std::nullopt, known_reason(r.text(12))};
  }
  return out;
}

// One line, as the card prints it: street, RT/RW, village, district, regency — and the province
// when it still fits.
std::string address_line(const CardFace& face) {
  std::string line = fmt::format("{}, RT/RW {}, {}, {}, {}", face_field(face, "Alamat"), face_field(face, "RT/RW"),
                                 face_field(face, "Kel/Desa"), face_field(face, "Kecamatan"), face.regency);
  const std::string with_province = line + ", " + face.province;
  if (with_province.size() <= limits::address_bytes_max) return with_province;
  if (line.size() <= limits::address_bytes_max) return line;
  return fmt::format("{}, {}, {}", face_field(face, "Kel/Desa"), face_field(face, "Kecamatan"), face.regency)
      .substr(0, limits::address_bytes_max);
}

// Whether the resident may get a SUKET: alive, enrolled, no card in hand.
Status check_pending(store::Connection& db, const Person& person) {
  if (!person.alive) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(suket_reason::kDeceased),
                   fmt::format("NIK {} is recorded deceased", person.nik));
  }
  auto held = db.execute(
      "SELECT id FROM print_requests WHERE nik = $1 AND status = 'collected' AND revoked_at_ms = 0 LIMIT 1",
      {person.nik});
  if (!held) return std::unexpected(held.error());
  if (!held->rows.empty()) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(suket_reason::kCardCollected),
                   fmt::format("NIK {} has collected their e-KTP (request {}): a SUKET stands in only for a card "
                               "still pending",
                               person.nik, held->rows.front().integer(0)));
  }
  EKTP_ASSIGN_OR_RETURN(auto enrollments, registry::enrollments_of(db, person.nik));
  const bool enrolled = std::ranges::any_of(
      enrollments, [](const registry::Enrollment& e) { return e.status != registry::EnrollmentStatus::kDuplicate; });
  if (!enrolled) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(suket_reason::kNotEnrolled),
                   fmt::format("NIK {} has no enrollment: a SUKET is issued after the e-KTP recording", person.nik));
  }
  return {};
}

}  // namespace

std::optional<SuketFace> small_face(const std::vector<std::uint8_t>& photo, std::size_t bytes_max) {
  if (photo.empty() || photo.size() > (8u << 20)) return std::nullopt;
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(cv::Mat(1, static_cast<int>(photo.size()), CV_8U, const_cast<std::uint8_t*>(photo.data())),
                           cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception&) {
    return std::nullopt;
  }
  if (decoded.empty() || decoded.cols < 8 || decoded.rows < 8) return std::nullopt;
  // The middle at 3:4 (a passport-photo shape), then small.
  int w = decoded.cols, h = decoded.rows;
  if (w * 4 > h * 3) w = h * 3 / 4; else h = w * 4 / 3;
  cv::Mat cut = decoded(cv::Rect((decoded.cols - w) / 2, (decoded.rows - h) / 2, w, h));
  for (int width : {60, 48, 40, 32}) {
    cv::Mat small;
    cv::resize(cut, small, cv::Size(width, width * 4 / 3), 0, 0, cv::INTER_AREA);
    for (int quality : {60, 45, 30, 20}) {
      std::vector<std::uint8_t> jpeg;
      if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1})) {
        return std::nullopt;
      }
      if (jpeg.size() <= bytes_max) return SuketFace{std::move(jpeg), SuketImageFormat::kJpeg};
    }
  }
  return std::nullopt;
}

Result<IssuedSuket> issue_suket(store::Database& database, SuketKeys& keys, const RegionDirectory& regions,
                                std::string_view nik, std::string_view actor, std::int64_t now_ms) {
  if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid_argument("nik: 16 digits");
  }
  const std::int64_t now_s = now_ms / 1000;
  struct Gathered {
    Person person;
    CardFace face;
    std::optional<RequestReadyDate> ready;
    std::string office;  // the one that will print the card signs the SUKET
  };
  auto gathered = store::with_read_transaction<Gathered>(database, [&](store::Connection& c) -> Result<Gathered> {
    EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, nik));
    EKTP_RETURN_IF_ERROR(check_pending(c, person));
    EKTP_ASSIGN_OR_RETURN(auto face, card_face_for(c, regions, nik,
                                                   jakarta_date_of(std::chrono::system_clock::time_point(
                                                       std::chrono::milliseconds(now_ms)))));
    EKTP_ASSIGN_OR_RETURN(auto ready, ready_date_of_person(c, nik, now_ms));
    std::string office;
    if (ready) {
      office = ready->request.office;
    } else {
      EKTP_ASSIGN_OR_RETURN(office, printing_office_of(c, person.address.village_code));
    }
    return Gathered{std::move(person), std::move(face), std::move(ready), std::move(office)};
  });
  if (!gathered) return std::unexpected(gathered.error());
  const std::string office = gathered->office;
  EKTP_ASSIGN_OR_RETURN(auto key, keys.issuer_key(database, office, now_s));

  IssuedSuket out;
  out.face = std::move(gathered->face);
  SuketClaims& claims = out.claims;
  claims.nik = std::string(nik);
  claims.full_name = gathered->person.name;
  claims.birth_date = gathered->person.birth_date;
  claims.gender = gathered->person.sex == Sex::kFemale ? SuketGender::kFemale : SuketGender::kMale;
  claims.address = address_line(out.face);
  claims.issuer = suket_issuer_of(office);
  claims.issued_at_s = now_s;
  claims.expires_at_s = suket_expiry(now_s);
  if (gathered->ready) {
    out.record.ready = gathered->ready->answer;
    if (gathered->ready->answer.estimate) claims.card_ready_estimate = civil_date_of_day(gathered->ready->answer.estimate->p50);
  }
  // The largest face that lets the whole credential fit one QR code.
  std::string qr_text;
  for (std::size_t budget : {kSuketFaceBytesTarget, kSuketFaceBytesTarget * 2 / 3, kSuketFaceBytesTarget / 2, std::size_t{0}}) {
    claims.face = budget > 0 ? small_face(out.face.photo, budget) : std::nullopt;
    auto encoded = encode_suket(claims, *key);
    if (encoded) {
      qr_text = std::move(*encoded);
      break;
    }
    if (encoded.error().code != ErrorCode::kResourceExhausted || budget == 0) return std::unexpected(encoded.error());
  }
  EKTP_ASSIGN_OR_RETURN(auto id, suket_id(qr_text));
  auto ready = std::move(out.record.ready);
  out.record = {id, std::string(nik), office, key_id_hex(key->public_key()), std::string(actor), now_s,
                claims.expires_at_s, qr_text, 0, std::move(ready)};
  const auto& estimate = out.record.ready ? out.record.ready->estimate : std::nullopt;
  auto stored = store::with_write_transaction<bool>(database, [&](store::Connection& c) -> Result<bool> {
    // Checked again in the writing transaction: a card handed over meanwhile wins.
    EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, nik));
    EKTP_RETURN_IF_ERROR(check_pending(c, person));
    auto inserted = c.execute(
        "INSERT INTO sukets (id, nik, office_code, kid, issued_by, issued_at_s, expires_at_s, qr_text, ready_day_p10, "
        "ready_day_p50, ready_day_p90, ready_reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) "
        // The same resident asking twice within a second gets the same (deterministic) SUKET again.
        "ON CONFLICT (id) DO NOTHING",
        {out.record.id, out.record.nik, office, out.record.kid, out.record.issued_by, now_s, out.record.expires_at_s,
         qr_text, estimate ? estimate->p10 : 0, estimate ? estimate->p50 : 0, estimate ? estimate->p90 : 0,
         out.record.ready && !estimate ? std::string(out.record.ready->no_date_reason) : std::string()});
    if (!inserted) return std::unexpected(inserted.error());
    EKTP_RETURN_IF_ERROR(access::append_audit(
        c, {now_ms, std::string(actor), "suket.issue", std::string(nik),
            fmt::format("suket {} kid {} valid until {}", id, out.record.kid, out.record.expires_at_s)}));
    return true;
  });
  if (!stored) return std::unexpected(stored.error());
  return out;
}

Result<std::vector<SuketRecord>> sukets_of(store::Connection& db, std::string_view nik) {
  auto rows = db.execute(fmt::format("SELECT {} FROM sukets WHERE nik = $1 ORDER BY issued_at_s DESC, id LIMIT 20",
                                     kColumns),
                         {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<SuketRecord> out;
  for (const auto& r : rows->rows) out.push_back(record_of(r));
  return out;
}

Result<SuketRecord> load_suket(store::Connection& db, std::string_view id) {
  if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return invalid_argument("suket id: 32 lower-case hex digits");
  }
  auto rows = db.execute(fmt::format("SELECT {} FROM sukets WHERE id = $1", kColumns), {std::string(id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("no SUKET {}", id));
  return record_of(rows->rows.front());
}

Result<IssuedSuket> load_issued_suket(store::Connection& db, const RegionDirectory& regions, std::string_view id) {
  EKTP_ASSIGN_OR_RETURN(auto record, load_suket(db, id));
  EKTP_ASSIGN_OR_RETURN(auto keys, trust_list_of(db, record.issued_at_s));
  // Read back as a verifier would at its issue: the registry's own SUKETs always verify.
  auto verdict = verify_suket(record.qr_text, keys, nullptr, record.issued_at_s);
  if (!verdict.claims) {
    return make_error(ErrorCode::kDataLoss, fmt::format("stored SUKET {} does not verify: {}", id, verdict.reason));
  }
  EKTP_ASSIGN_OR_RETURN(auto face, card_face_for(db, regions, record.nik,
                                                 jakarta_date_of(std::chrono::system_clock::time_point(
                                                     std::chrono::seconds(record.issued_at_s)))));
  return IssuedSuket{std::move(record), std::move(*verdict.claims), std::move(face)};
}

}  // namespace ektp::card
