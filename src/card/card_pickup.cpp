#include "card/card_pickup.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "biometrics/cylinder.h"
#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/matcher.h"
#include "biometrics/template_format.h"
#include "registry/enrollment_store.h"

namespace ektp::card {

namespace {

constexpr std::size_t kLiveImageBytesMax = 1u << 20;
constexpr std::size_t kNoteBytesMax = 300;

// The enrolled template of one finger: from the enrollment the card was printed from, or (a
// replacement) the person's newest enrollment that has that finger.
struct EnrolledPrints {
  std::optional<std::vector<std::uint8_t>> finger;  // the template of the finger asked for
  std::vector<int> positions;                        // fingers with a template at all
  bool fingerprint_modality = false;                 // the person's prints work (recorded at enrollment)
};

Result<EnrolledPrints> enrolled_prints(store::Connection& db, const PrintRequest& request, int position) {
  std::vector<std::string> ids;
  if (!request.enrollment_id.empty()) {
    ids.push_back(request.enrollment_id);
  } else {
    EKTP_ASSIGN_OR_RETURN(auto all, registry::enrollments_of(db, request.nik));
    for (const auto& e : all) ids.push_back(e.enrollment_id);
  }
  EnrolledPrints out;
  for (const auto& id : ids) {
    EKTP_ASSIGN_OR_RETURN(auto e, registry::load_enrollment(db, id, /*with_images=*/false));
    if (std::ranges::find(e.modalities, "fingerprint") != e.modalities.end()) out.fingerprint_modality = true;
    for (const auto& f : e.fingers) {
      if (f.template_bytes.empty()) continue;
      if (std::ranges::find(out.positions, f.position) == out.positions.end()) out.positions.push_back(f.position);
      if (f.position == position && !out.finger) out.finger = f.template_bytes;
    }
    if (!out.positions.empty()) break;  // the newest enrollment with prints is the one compared against
  }
  std::ranges::sort(out.positions);
  return out;
}

Result<int> failed_fingerprint_tries(store::Connection& db, std::int64_t request_id) {
  auto rows = db.execute(
      "SELECT COUNT(*) FROM card_pickup_attempts WHERE print_request = $1 AND method = 'fingerprint' AND matched = 0",
      {request_id});
  if (!rows) return std::unexpected(rows.error());
  return static_cast<int>(rows->rows.front().integer(0));
}

Status collectable(const PrintRequest& request) {
  if (request.revoked_at_ms != 0) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(pickup_reason::kRevoked),
                   fmt::format("the card of request {} was revoked ({})", request.id, request.revoked_reason));
  }
  if (request.status == PrintStatus::kCollected) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(pickup_reason::kAlreadyCollected),
                   fmt::format("the card of request {} was collected already", request.id));
  }
  if (request.status != PrintStatus::kPrinted) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(pickup_reason::kNotPrinted),
                   fmt::format("request {} is {}: only a printed card can be collected", request.id,
                               print_status_id(request.status)));
  }
  return {};
}

Status validate_check(const PickupCheck& check) {
  if (check.actor.empty()) return invalid_argument("actor: who hands the card over");
  if (check.method == PickupMethod::kFingerprint) {
    if (check.finger_position < 1 || check.finger_position > 10) {
      return invalid_argument(fmt::format("finger_position {}: a finger is 1 to 10 (ISO/IEC 19794-2)",
                                          check.finger_position));
    }
    if (check.live_image.empty() || check.live_image.size() > kLiveImageBytesMax) {
      return invalid_argument(fmt::format("image: the live fingerprint, 1 byte to {} MiB", kLiveImageBytesMax >> 20));
    }
    if (check.live_dpi < 250 || check.live_dpi > 1000) {
      return invalid_argument(fmt::format("dpi {}: 250 to 1000", check.live_dpi));
    }
  } else if (check.note.empty() || check.note.size() > kNoteBytesMax) {
    return invalid_argument(
        fmt::format("note: what the supervisor checked against the enrolled photo (1 to {} bytes)", kNoteBytesMax));
  }
  return {};
}

// The 1:1 score of the live image against the enrolled template, or why there is none.
Result<float> fingerprint_score(const PickupCheck& check, const std::vector<std::uint8_t>& enrolled) {
  auto grey = biometrics::decode_image(check.live_image);
  if (!grey) {
    return refusal(ErrorCode::kInvalidArgument, std::string(pickup_reason::kNotAFingerprint),
                   fmt::format("image: {}", grey.error().message));
  }
  auto live = biometrics::extract(*grey, check.live_dpi);
  if (!live) {
    return refusal(ErrorCode::kInvalidArgument, std::string(pickup_reason::kNotAFingerprint),
                   fmt::format("image: {}", live.error().message));
  }
  auto stored = biometrics::decode_template(enrolled);
  if (!stored) {
    return make_error(ErrorCode::kDataLoss, fmt::format("enrolled template: {}", stored.error().message));
  }
  return biometrics::match_templates(biometrics::prepare(*live), biometrics::prepare(*stored));
}

}  // namespace

std::string_view pickup_method_id(PickupMethod method) {
  return method == PickupMethod::kAssisted ? "assisted" : "fingerprint";
}

Result<PickupMethod> parse_pickup_method(std::string_view id) {
  if (id == "fingerprint") return PickupMethod::kFingerprint;
  if (id == "assisted") return PickupMethod::kAssisted;
  return invalid_argument(fmt::format("method '{}': fingerprint or assisted", id.substr(0, 40)));
}

Result<PickupOutcome> collect_card(store::Database& database, const PickupCheck& check) {
  EKTP_RETURN_IF_ERROR(validate_check(check));
  // Read what is needed and compare outside the write transaction: extraction takes a while and
  // must not hold the writer. The write re-checks the request's state.
  struct Before {
    PrintRequest request;
    EnrolledPrints prints;
    int failed = 0;
  };
  auto before = store::with_read_transaction<Before>(database, [&](store::Connection& db) -> Result<Before> {
    EKTP_ASSIGN_OR_RETURN(auto request, load_print_request(db, check.request_id));
    EKTP_RETURN_IF_ERROR(collectable(request));
    EKTP_ASSIGN_OR_RETURN(auto prints, enrolled_prints(db, request, check.finger_position));
    EKTP_ASSIGN_OR_RETURN(auto failed, failed_fingerprint_tries(db, request.id));
    return Before{std::move(request), std::move(prints), failed};
  });
  if (!before) return std::unexpected(before.error());

  const bool has_prints = before->prints.fingerprint_modality && !before->prints.positions.empty();
  if (check.method == PickupMethod::kAssisted) {
    if (!check.actor_is_supervisor) {
      return refusal(ErrorCode::kPermissionDenied, std::string(pickup_reason::kSupervisorRequired),
                     "an assisted check is done by a supervisor");
    }
    if (has_prints && before->failed == 0) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(pickup_reason::kFingerprintFirst),
                     "the person has enrolled prints: try a fingerprint first");
    }
  } else {
    if (before->failed >= kPickupTriesBeforeSupervisor && !check.actor_is_supervisor) {
      return refusal(ErrorCode::kPermissionDenied, std::string(pickup_reason::kSupervisorRequired),
                     fmt::format("{} fingerprint tries failed: a supervisor must step in", before->failed));
    }
    if (!before->prints.finger) {
      std::string have;
      for (int p : before->prints.positions) have += (have.empty() ? "" : ", ") + std::to_string(p);
      return refusal(ErrorCode::kFailedPrecondition, std::string(pickup_reason::kNoEnrolledFinger),
                     fmt::format("finger {} has no enrolled print; enrolled: {}", check.finger_position,
                                 have.empty() ? "none (use the assisted check)" : have));
    }
  }

  float score = 0;
  if (check.method == PickupMethod::kFingerprint) {
    EKTP_ASSIGN_OR_RETURN(score, fingerprint_score(check, *before->prints.finger));
  }
  const bool matched = check.method == PickupMethod::kAssisted || score >= kPickupMatchThreshold;

  return store::with_write_transaction<PickupOutcome>(database, [&](store::Connection& db) -> Result<PickupOutcome> {
    EKTP_ASSIGN_OR_RETURN(auto request, load_print_request(db, check.request_id));
    EKTP_RETURN_IF_ERROR(collectable(request));
    EKTP_ASSIGN_OR_RETURN(auto failed, failed_fingerprint_tries(db, request.id));
    auto recorded = db.execute(
        "INSERT INTO card_pickup_attempts (print_request, method, finger_position, score_e4, matched, actor, note, "
        "at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        {request.id, std::string(pickup_method_id(check.method)), std::int64_t{check.finger_position},
         static_cast<std::int64_t>(std::lround(score * 10000.0f)), std::int64_t{matched ? 1 : 0}, check.actor,
         check.note, check.at_ms});
    if (!recorded) return std::unexpected(recorded.error());
    PickupOutcome out;
    out.method = check.method;
    out.score = score;
    out.failed_tries = failed + ((check.method == PickupMethod::kFingerprint && !matched) ? 1 : 0);
    out.tries_left = std::max(0, kPickupTriesBeforeSupervisor - out.failed_tries);
    if (!matched) {
      EKTP_RETURN_IF_ERROR(access::append_audit(
          db, {check.at_ms, check.actor, "card.pickup_no_match", request.nik,
               fmt::format("request {} finger {} score {:.4f} try {}", request.id, check.finger_position, score,
                           out.failed_tries)}));
      EKTP_ASSIGN_OR_RETURN(out.request, load_print_request(db, request.id));
      return out;
    }
    auto taken = db.execute(
        "UPDATE print_requests SET status = 'collected', collected_at_ms = $2, collected_by = $3, "
        "collection_method = $4 WHERE id = $1 AND status = 'printed'",
        {request.id, check.at_ms, check.actor, std::string(pickup_method_id(check.method))});
    if (!taken) return std::unexpected(taken.error());
    if (taken->rows_affected != 1) return make_error(ErrorCode::kAborted, "the card was handed over meanwhile");
    if (!request.enrollment_id.empty()) {
      EKTP_RETURN_IF_ERROR(registry::set_enrollment_status(db, request.enrollment_id,
                                                           registry::EnrollmentStatus::kCollected, check.at_ms,
                                                           fmt::format("blanko {}", request.blanko_serial)));
    }
    // The card replaces the SUKET: from now on it reads superseded.
    auto superseded = db.execute("UPDATE sukets SET superseded_at_ms = $2 WHERE nik = $1 AND superseded_at_ms = 0",
                                 {request.nik, check.at_ms});
    if (!superseded) return std::unexpected(superseded.error());
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {check.at_ms, check.actor, "card.collect", request.nik,
             check.method == PickupMethod::kFingerprint
                 ? fmt::format("request {} finger {} score {:.4f}", request.id, check.finger_position, score)
                 : fmt::format("request {} assisted: {}", request.id, check.note)}));
    out.collected = true;
    EKTP_ASSIGN_OR_RETURN(out.request, load_print_request(db, request.id));
    return out;
  });
}

Result<std::vector<PrintRequest>> uncollected_cards(store::Connection& db, std::string_view office,
                                                    std::int64_t now_ms, std::int64_t days, std::size_t limit) {
  auto rows = db.execute(
      "SELECT id FROM print_requests WHERE office_code = $1 AND status = 'printed' AND revoked_at_ms = 0 AND "
      "printed_at_ms <= $2 ORDER BY printed_at_ms, id LIMIT $3",
      {std::string(office), now_ms - days * 86'400'000, static_cast<std::int64_t>(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<PrintRequest> out;
  for (const auto& r : rows->rows) {
    EKTP_ASSIGN_OR_RETURN(auto request, load_print_request(db, r.integer(0)));
    out.push_back(std::move(request));
  }
  return out;
}

Result<std::vector<PickupAttempt>> pickup_attempts(store::Connection& db, std::int64_t request_id) {
  auto rows = db.execute(
      "SELECT method, finger_position, score_e4, matched, actor, note, at_ms FROM card_pickup_attempts "
      "WHERE print_request = $1 ORDER BY id",
      {request_id});
  if (!rows) return std::unexpected(rows.error());
  std::vector<PickupAttempt> out;
  for (const auto& r : rows->rows) {
    out.push_back({r.text(0), static_cast<int>(r.integer(1)), static_cast<float>(r.integer(2)) / 10000.0f,
                   r.integer(3) != 0, r.text(4), r.text(5), r.integer(6)});
  }
  return out;
}

}  // namespace ektp::card
