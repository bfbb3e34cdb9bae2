// Biometric enrollment records (photo, signature, ten fingers, two irises) and the status timeline
// a resident follows (direkam → terkirim → dedup → siap cetak …), stored with their records and
// their checksums. The same tables exist on a station (what it captured) and at central (what it
// received). Every function works inside the caller's transaction on one store::Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ektp::registry {

// Where an enrollment stands. Ids are the Indonesian words the resident reads.
enum class EnrollmentStatus {
  kRecorded,     // direkam: saved at the station
  kSent,         // terkirim: central has it
  kDedup,        // dedup: being searched against everyone
  kReadyToPrint, // siap_cetak: no duplicate, card can be printed
  kAdjudication, // adjudikasi: a possible duplicate awaits two adjudicators
  kDuplicate,    // duplikat: decided duplicate; this enrollment is blocked
  kPrinted,      // dicetak
  kCollected,    // diambil
};

std::string_view enrollment_status_id(EnrollmentStatus status);
Result<EnrollmentStatus> parse_enrollment_status(std::string_view id);
// The label the resident reads ("Siap cetak").
std::string_view enrollment_status_label(EnrollmentStatus status);

struct FingerCapture {
  int position = 0;                      // ISO/IEC 19794-2 finger position 1..10
  std::vector<std::uint8_t> image;       // encoded as captured (PNG/BMP/TIFF/PGM); empty if missing
  std::string image_sha256;
  std::vector<std::uint8_t> template_bytes;  // our template format; empty if missing
  int quality = 0;                       // 1 best … 5 worst; 0 when missing
  std::string missing_reason;            // why there is no print (amputasi, luka, aus …)
  bool missing() const { return image.empty(); }
};

struct IrisCapture {
  std::string eye;                       // "right" or "left"
  std::vector<std::uint8_t> image;
  std::string image_sha256;
  int quality = 0;                       // 0..100
  std::string missing_reason;
  bool missing() const { return image.empty(); }
};

struct Enrollment {
  std::string enrollment_id;             // a UUID made where it was captured
  std::string nik;
  std::string station_id;
  std::string operator_name;
  std::int64_t captured_at_ms = 0;       // the station's clock: shown, never trusted for order
  std::int64_t received_at_ms = 0;       // central's clock, 0 on a station until acknowledged
  EnrollmentStatus status = EnrollmentStatus::kRecorded;
  std::vector<std::string> modalities;   // what works for this person: fingerprint, iris, face, assisted
  std::string biodata_changes_json = "{}";  // fields confirmed/corrected at the desk
  std::int64_t base_version = 0;         // the person's version those changes were made against
  std::vector<std::uint8_t> photo;
  std::string photo_mime;
  std::string photo_sha256;
  std::string photo_report_json = "{}";
  std::vector<std::uint8_t> signature;   // PNG
  std::string signature_sha256;
  std::vector<FingerCapture> fingers;    // up to 10, one per position
  std::vector<IrisCapture> irises;       // up to 2
  // The receipt number printed for the resident (receipt_number.h). It travels from the station
  // to central in the outbox item; neither side keeps it in table enrollments (central keeps
  // only its keyed digest).
  std::string receipt_number;
};

struct TimelineEntry {
  std::string enrollment_id;
  EnrollmentStatus status = EnrollmentStatus::kRecorded;
  std::int64_t at_ms = 0;
  std::string detail;
};

// Lower-case hex SHA-256 of bytes.
std::string bytes_sha256(const std::vector<std::uint8_t>& bytes);

// Checks the record's own consistency: ids, positions 1..10 each at most once, a reason for each
// missing finger, checksums that match the bytes, sizes within limits. kInvalidArgument naming the
// field; kDataLoss for a checksum mismatch.
Status validate_enrollment(const Enrollment& enrollment);

// Inserts the record and its first timeline entry (its status). kAlreadyExists for a known id.
Status insert_enrollment(store::Connection& db, const Enrollment& enrollment);

// kNotFound when absent. Without images, photo/signature/finger/iris images are left empty
// (templates and qualities are still loaded).
Result<Enrollment> load_enrollment(store::Connection& db, std::string_view enrollment_id,
                                   bool with_images = true);

// Enrollments of one person, newest first (no images).
Result<std::vector<Enrollment>> enrollments_of(store::Connection& db, std::string_view nik);

// Sets the status and appends the timeline entry (once per enrollment and status: setting the
// same status again keeps the first date).
Status set_enrollment_status(store::Connection& db, std::string_view enrollment_id,
                             EnrollmentStatus status, std::int64_t at_ms, std::string_view detail);

// The person's timeline over all their enrollments, oldest first.
Result<std::vector<TimelineEntry>> timeline_of(store::Connection& db, std::string_view nik);

}  // namespace ektp::registry
