#include "registry/enrollment_store.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "access/sha256.h"

namespace ektp::registry {

namespace {

using store::Blob;
using store::Value;

struct StatusName {
  EnrollmentStatus status;
  std::string_view id;
  std::string_view label;
};

constexpr std::array<StatusName, 8> kStatuses{{
    {EnrollmentStatus::kRecorded, "direkam", "Direkam"},
    {EnrollmentStatus::kSent, "terkirim", "Terkirim ke pusat"},
    {EnrollmentStatus::kDedup, "dedup", "Pemeriksaan sidik jari ganda"},
    {EnrollmentStatus::kReadyToPrint, "siap_cetak", "Siap cetak"},
    {EnrollmentStatus::kAdjudication, "adjudikasi", "Diperiksa petugas (kemungkinan data ganda)"},
    {EnrollmentStatus::kDuplicate, "duplikat", "Ditolak: data ganda"},
    {EnrollmentStatus::kPrinted, "dicetak", "Dicetak"},
    {EnrollmentStatus::kCollected, "diambil", "Diambil"},
}};

Value blob_or_null(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) return store::Null{};
  return Blob{bytes};
}

std::string modalities_json(const std::vector<std::string>& modalities) {
  boost::json::array array;
  for (const auto& m : modalities) array.emplace_back(m);
  return boost::json::serialize(array);
}

std::vector<std::string> parse_modalities(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return out;
  for (const auto& v : value.as_array()) {
    if (v.is_string()) out.emplace_back(v.as_string());
  }
  return out;
}

Status check_checksum(const std::vector<std::uint8_t>& bytes, const std::string& sha256,
                      std::string_view field) {
  if (bytes.empty()) return {};
  if (bytes_sha256(bytes) != sha256) {
    return make_error(ErrorCode::kDataLoss, fmt::format("{}: SHA-256 does not match its bytes", field));
  }
  return {};
}

constexpr std::string_view kEnrollmentColumns =
    "enrollment_id, nik, station_id, operator, captured_at_ms, received_at_ms, status, modalities, "
    "biodata_changes, base_version, photo_mime, photo_sha256, photo_report, signature_sha256";

Result<Enrollment> enrollment_from_row(const store::Row& row) {
  Enrollment e;
  e.enrollment_id = row.text(0);
  e.nik = row.text(1);
  e.station_id = row.text(2);
  e.operator_name = row.text(3);
  e.captured_at_ms = row.integer(4);
  e.received_at_ms = row.integer(5);
  auto status = parse_enrollment_status(row.text(6));
  if (!status) {
    return make_error(ErrorCode::kDataLoss, fmt::format("enrollment {}: bad status", e.enrollment_id));
  }
  e.status = *status;
  e.modalities = parse_modalities(row.text(7));
  e.biodata_changes_json = row.text(8);
  e.base_version = row.integer(9);
  e.photo_mime = row.text(10);
  e.photo_sha256 = row.text(11);
  e.photo_report_json = row.text(12);
  e.signature_sha256 = row.text(13);
  return e;
}

}  // namespace

std::string_view enrollment_status_id(EnrollmentStatus status) {
  for (const auto& s : kStatuses) {
    if (s.status == status) return s.id;
  }
  return "direkam";
}

std::string_view enrollment_status_label(EnrollmentStatus status) {
  for (const auto& s : kStatuses) {
    if (s.status == status) return s.label;
  }
  return "Direkam";
}

Result<EnrollmentStatus> parse_enrollment_status(std::string_view id) {
  for (const auto& s : kStatuses) {
    if (s.id == id) return s.status;
  }
  return invalid_argument(fmt::format("enrollment status '{}' is not known", id));
}

std::string bytes_sha256(const std::vector<std::uint8_t>& bytes) {
  return access::sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Status validate_enrollment(const Enrollment& e) {
  auto id_ok = [](std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    }
    return true;
  };
  if (!id_ok(e.enrollment_id)) return invalid_argument("enrollment_id: 1–64 letters, digits or '-'");
  if (e.nik.size() != 16 || !std::all_of(e.nik.begin(), e.nik.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid_argument(fmt::format("nik: must have 16 digits, got '{}'", e.nik.substr(0, 20)));
  }
  if (e.station_id.empty() || e.station_id.size() > limits::station_id_bytes_max) {
    return invalid_argument("station_id: missing or too long");
  }
  if (e.operator_name.empty() || e.operator_name.size() > limits::username_bytes_max) {
    return invalid_argument("operator: missing or too long");
  }
  if (e.photo.empty()) return invalid_argument("photo: missing");
  if (e.photo.size() > limits::photo_bytes_max) {
    return invalid_argument(fmt::format("photo: {} bytes, at most {}", e.photo.size(), limits::photo_bytes_max));
  }
  if (e.photo_mime != "image/jpeg" && e.photo_mime != "image/png") {
    return invalid_argument("photo: must be image/jpeg or image/png");
  }
  if (e.signature.empty()) return invalid_argument("signature: missing");
  if (e.signature.size() > limits::signature_bytes_max) return invalid_argument("signature: too large");
  if (auto s = check_checksum(e.photo, e.photo_sha256, "photo"); !s) return s;
  if (auto s = check_checksum(e.signature, e.signature_sha256, "signature"); !s) return s;
  if (e.fingers.size() > 10) return invalid_argument("fingers: at most 10");
  std::set<int> positions;
  for (const auto& f : e.fingers) {
    if (f.position < 1 || f.position > 10) {
      return invalid_argument(fmt::format("fingers: position {} is not 1..10", f.position));
    }
    if (!positions.insert(f.position).second) {
      return invalid_argument(fmt::format("fingers: position {} given twice", f.position));
    }
    if (f.missing()) {
      if (f.missing_reason.empty() || f.missing_reason.size() > limits::reason_bytes_max) {
        return invalid_argument(fmt::format("fingers: position {} is missing without a reason", f.position));
      }
      continue;
    }
    if (f.image.size() > limits::finger_image_bytes_max) {
      return invalid_argument(fmt::format("fingers: position {} image is too large", f.position));
    }
    if (f.quality < 1 || f.quality > 5) {
      return invalid_argument(fmt::format("fingers: position {} quality {} is not 1..5", f.position, f.quality));
    }
    if (f.template_bytes.empty()) {
      return invalid_argument(fmt::format("fingers: position {} has no template", f.position));
    }
    if (auto s = check_checksum(f.image, f.image_sha256, fmt::format("fingers: position {}", f.position)); !s) return s;
  }
  if (positions.size() != 10) {
    return invalid_argument(fmt::format("fingers: {} of 10 positions given; a missing finger needs a reason",
                                        positions.size()));
  }
  std::set<std::string> eyes;
  for (const auto& iris : e.irises) {
    if (iris.eye != "right" && iris.eye != "left") return invalid_argument("irises: eye must be right or left");
    if (!eyes.insert(iris.eye).second) return invalid_argument(fmt::format("irises: {} eye given twice", iris.eye));
    if (iris.missing()) {
      if (iris.missing_reason.empty()) return invalid_argument(fmt::format("irises: {} eye missing without a reason", iris.eye));
      continue;
    }
    if (iris.image.size() > limits::iris_image_bytes_max) return invalid_argument("irises: image too large");
    if (auto s = check_checksum(iris.image, iris.image_sha256, fmt::format("irises: {}", iris.eye)); !s) return s;
  }
  if (e.modalities.empty()) return invalid_argument("modalities: at least one way to verify this person");
  for (const auto& m : e.modalities) {
    if (m != "fingerprint" && m != "iris" && m != "face" && m != "assisted") {
      return invalid_argument(fmt::format("modalities: '{}' is not fingerprint, iris, face or assisted", m));
    }
  }
  if (e.biodata_changes_json.size() > 4096) return invalid_argument("biodata_changes: too large");
  return {};
}

Status insert_enrollment(store::Connection& db, const Enrollment& e) {
  auto inserted = db.execute(
      "INSERT INTO enrollments (enrollment_id, nik, station_id, operator, captured_at_ms, received_at_ms, "
      "status, modalities, biodata_changes, base_version, photo, photo_mime, photo_sha256, photo_report, "
      "signature, signature_sha256) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
      {e.enrollment_id, e.nik, e.station_id, e.operator_name, e.captured_at_ms, e.received_at_ms,
       std::string(enrollment_status_id(e.status)), modalities_json(e.modalities), e.biodata_changes_json,
       e.base_version, Blob{e.photo}, e.photo_mime, e.photo_sha256, e.photo_report_json, Blob{e.signature},
       e.signature_sha256});
  if (!inserted) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return make_error(ErrorCode::kAlreadyExists, fmt::format("enrollment {} already exists", e.enrollment_id));
    }
    return std::unexpected(inserted.error());
  }
  for (const auto& f : e.fingers) {
    auto r = db.execute(
        "INSERT INTO enrollment_fingers (enrollment_id, position, image, image_sha256, template, quality, "
        "missing_reason) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        {e.enrollment_id, std::int64_t{f.position}, blob_or_null(f.image), f.image_sha256,
         blob_or_null(f.template_bytes), std::int64_t{f.quality}, f.missing_reason});
    if (!r) return std::unexpected(r.error());
  }
  for (const auto& iris : e.irises) {
    auto r = db.execute(
        "INSERT INTO enrollment_irises (enrollment_id, eye, image, image_sha256, quality, missing_reason) "
        "VALUES ($1,$2,$3,$4,$5,$6)",
        {e.enrollment_id, iris.eye, blob_or_null(iris.image), iris.image_sha256, std::int64_t{iris.quality},
         iris.missing_reason});
    if (!r) return std::unexpected(r.error());
  }
  // The first entry is when it was captured; a station clock ahead of central's is clamped.
  std::int64_t at = e.captured_at_ms;
  if (e.received_at_ms != 0 && at > e.received_at_ms) at = e.received_at_ms;
  return set_enrollment_status(db, e.enrollment_id, e.status, at, "");
}

Result<Enrollment> load_enrollment(store::Connection& db, std::string_view enrollment_id, bool with_images) {
  std::string sql = fmt::format("SELECT {}{} FROM enrollments WHERE enrollment_id = $1", kEnrollmentColumns,
                                with_images ? ", photo, signature" : "");
  auto rows = db.execute(sql, {std::string(enrollment_id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("enrollment {} not found", enrollment_id));
  auto e = enrollment_from_row(rows->rows[0]);
  if (!e) return e;
  if (with_images) {
    e->photo = rows->rows[0].blob(14);
    e->signature = rows->rows[0].blob(15);
  }
  auto fingers = db.execute(
      fmt::format("SELECT position, {} image_sha256, template, quality, missing_reason FROM enrollment_fingers "
                  "WHERE enrollment_id = $1 ORDER BY position",
                  with_images ? "image," : "NULL,"),
      {std::string(enrollment_id)});
  if (!fingers) return std::unexpected(fingers.error());
  for (const auto& row : fingers->rows) {
    FingerCapture f;
    f.position = static_cast<int>(row.integer(0));
    f.image = row.blob(1);
    f.image_sha256 = row.text(2);
    f.template_bytes = row.blob(3);
    f.quality = static_cast<int>(row.integer(4));
    f.missing_reason = row.text(5);
    e->fingers.push_back(std::move(f));
  }
  auto irises = db.execute(
      fmt::format("SELECT eye, {} image_sha256, quality, missing_reason FROM enrollment_irises "
                  "WHERE enrollment_id = $1 ORDER BY eye DESC",
                  with_images ? "image," : "NULL,"),
      {std::string(enrollment_id)});
  if (!irises) return std::unexpected(irises.error());
  for (const auto& row : irises->rows) {
    IrisCapture iris;
    iris.eye = row.text(0);
    iris.image = row.blob(1);
    iris.image_sha256 = row.text(2);
    iris.quality = static_cast<int>(row.integer(3));
    iris.missing_reason = row.text(4);
    e->irises.push_back(std::move(iris));
  }
  return e;
}

Result<std::vector<Enrollment>> enrollments_of(store::Connection& db, std::string_view nik) {
  auto rows = db.execute(fmt::format("SELECT {} FROM enrollments WHERE nik = $1 ORDER BY captured_at_ms DESC",
                                     kEnrollmentColumns),
                         {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<Enrollment> out;
  for (const auto& row : rows->rows) {
    auto e = enrollment_from_row(row);
    if (!e) return std::unexpected(e.error());
    out.push_back(std::move(*e));
  }
  return out;
}

Status set_enrollment_status(store::Connection& db, std::string_view enrollment_id, EnrollmentStatus status,
                             std::int64_t at_ms, std::string_view detail) {
  auto nik = db.execute("SELECT nik FROM enrollments WHERE enrollment_id = $1", {std::string(enrollment_id)});
  if (!nik) return std::unexpected(nik.error());
  if (nik->rows.empty()) return not_found(fmt::format("enrollment {} not found", enrollment_id));
  auto updated = db.execute("UPDATE enrollments SET status = $2 WHERE enrollment_id = $1",
                            {std::string(enrollment_id), std::string(enrollment_status_id(status))});
  if (!updated) return std::unexpected(updated.error());
  // Once per enrollment and status: the first date stays.
  auto inserted = db.execute(
      "INSERT INTO status_timeline (nik, enrollment_id, status, at_ms, detail) VALUES ($1,$2,$3,$4,$5) "
      "ON CONFLICT (enrollment_id, status) DO NOTHING",
      {nik->rows[0].text(0), std::string(enrollment_id), std::string(enrollment_status_id(status)), at_ms,
       std::string(detail)});
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<std::vector<TimelineEntry>> timeline_of(store::Connection& db, std::string_view nik) {
  auto rows = db.execute(
      "SELECT enrollment_id, status, at_ms, detail FROM status_timeline WHERE nik = $1 ORDER BY at_ms, id",
      {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<TimelineEntry> out;
  for (const auto& row : rows->rows) {
    auto status = parse_enrollment_status(row.text(1));
    if (!status) return make_error(ErrorCode::kDataLoss, "status_timeline: unknown status");
    out.push_back({row.text(0), *status, row.integer(2), row.text(3)});
  }
  return out;
}

}  // namespace ektp::registry
