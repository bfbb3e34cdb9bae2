// Adjudication of possible duplicates with the two-person rule (table adjudication_cases,
// migration 4). Deduplication opens one case per candidate above the decision threshold (the best
// parameters::dedup_cases_per_enrollment_max, best first). A case is open → proposed (one
// adjudicator proposes duplicate or distinct, with a reason) → decided (a second, different
// adjudicator agrees). If the second disagrees the case is open again. Once a case is decided:
// any duplicate decision makes the enrollment `duplikat` (blocked; the resident's timeline says
// to contact Dinas Dukcapil); when every case of the enrollment is decided distinct the enrollment
// becomes `siap_cetak` and its fingers may enter the gallery (DedupService does that). Each
// proposal, confirmation and disagreement is written to the audit log in the same transaction.
// "Different" means a different person: adjudicators are compared by the NIK their accounts
// record (access/staff.h), and admins do not adjudicate (separation of duties).
//
// Every function works inside the caller's transaction (a write transaction for the decisions).
// Thread-safety: plain functions; a Connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biometrics/minutia.h"
#include "core/error.h"
#include "registry/context.h"
#include "registry/enrollment_store.h"
#include "store/database.h"

namespace ektp::abis {

enum class CaseStatus { kOpen, kProposed, kDecided };
enum class Decision { kDuplicate, kDistinct };

std::string_view case_status_id(CaseStatus status);  // "open", "proposed", "decided"
Result<CaseStatus> parse_case_status(std::string_view id);
std::string_view decision_id(Decision decision);     // "duplicate", "distinct"
Result<Decision> parse_decision(std::string_view id);

struct FingerScore {
  int position = 0;  // 1..10
  float score = 0;   // MCC score of this finger pair, 0..1
};

struct AdjudicationCase {
  std::int64_t id = 0;
  std::int64_t job_id = 0;
  std::string enrollment_id;            // the new enrollment
  std::string nik;
  std::string candidate_nik;            // who it resembles, already in the gallery
  std::string candidate_enrollment_id;
  int candidate_rank = 1;               // 1 = best candidate of the search
  float score = 0;                      // fused: sum of the finger scores
  std::vector<FingerScore> finger_scores;
  CaseStatus status = CaseStatus::kOpen;
  std::optional<Decision> proposed_decision;
  std::string proposed_by, proposed_reason;
  std::string proposed_by_person;  // the proposer's own NIK ('' for proposals from before)
  std::int64_t proposed_at_ms = 0;
  std::optional<Decision> confirmed_decision;
  std::string confirmed_by, confirmed_reason;
  std::int64_t confirmed_at_ms = 0;
  std::optional<Decision> final_decision;
  int disagreements = 0;
  std::int64_t created_at_ms = 0;
};

// What the dedup worker records for one candidate.
struct NewCase {
  std::int64_t job_id = 0;
  std::string enrollment_id, nik, candidate_nik, candidate_enrollment_id;
  int candidate_rank = 1;
  float score = 0;
  std::vector<FingerScore> finger_scores;
};

// Returns the new case id.
Result<std::int64_t> open_adjudication_case(store::Connection& db, const NewCase& c, std::int64_t now_ms);

// Cases in id order (oldest first), optionally of one status; at most `limit` (1..1,000).
Result<std::vector<AdjudicationCase>> list_cases(store::Connection& db, std::optional<CaseStatus> status,
                                                 std::size_t limit = 100);
Result<std::vector<AdjudicationCase>> cases_of_enrollment(store::Connection& db, std::string_view enrollment_id);

// For the minutiae overlay: one finger's minutiae from its stored template. Coordinates are pixels
// in the template's frame (width_px × height_px, 500 ppi); scale by image width / width_px to draw
// over an image stored at another resolution.
struct FingerOverlay {
  int position = 0;
  int width_px = 0, height_px = 0;
  std::vector<biometrics::Minutia> minutiae;
  std::string missing_reason;  // the finger was not captured
  std::string error;           // the stored template could not be decoded
};

struct CaseSide {
  std::string enrollment_id;
  std::string nik;
  registry::EnrollmentStatus status = registry::EnrollmentStatus::kRecorded;
  std::vector<FingerOverlay> fingers;  // positions 1..10 as stored
};

struct CaseDetail {
  AdjudicationCase record;
  CaseSide probe;      // the new enrollment
  CaseSide candidate;  // the gallery enrollment it resembles
};

// kNotFound for an unknown case. The caller audits the read (it shows two persons' biometrics).
Result<CaseDetail> load_case(store::Connection& db, std::int64_t case_id);

// Step one of the two-person rule. The actor's account is read from the users table in the same
// transaction (access/staff.h): kPermissionDenied unless it is an active, approved adjudicator
// account with a person identity (reasons account_pending_approval, person_identity_required);
// reason separation_of_duties for an admin, or an adjudicator whose person also holds an admin
// account; reason own_case when the adjudicator's own NIK is one of the case's two persons.
// kInvalidArgument for an empty or oversized reason; kNotFound; kFailedPrecondition unless the
// case is open.
Result<AdjudicationCase> propose_decision(store::Connection& db, std::int64_t case_id,
                                          const registry::Actor& adjudicator, Decision decision,
                                          std::string_view reason, std::int64_t now_ms);

struct ConfirmOutcome {
  AdjudicationCase record;
  bool reopened = false;  // the second adjudicator disagreed
  // Set when this decision moved the enrollment out of adjudication (duplikat or siap_cetak).
  std::optional<registry::EnrollmentStatus> enrollment_status;
  bool enter_gallery = false;  // siap_cetak: the enrollment's fingers go into the gallery
};

// Step two. As propose_decision, and kPermissionDenied with reason same_person when the confirmer
// is the proposer: the same username or the same person (NIK) under another username. Agreeing to
// a proposal whose proposer has no person identity is refused (person_identity_required; a
// disagreement reopens it). kFailedPrecondition unless the case is proposed.
Result<ConfirmOutcome> confirm_decision(store::Connection& db, std::int64_t case_id,
                                        const registry::Actor& second_adjudicator, bool agree,
                                        std::string_view reason, std::int64_t now_ms);

// The resident-facing timeline details (Bahasa Indonesia).
inline constexpr std::string_view kDuplicateTimelineDetail =
    "Data ganda dengan NIK lain; hubungi Dinas Dukcapil";
inline constexpr std::string_view kDistinctTimelineDetail =
    "Diperiksa petugas: bukan data ganda; KTP-el siap dicetak";

}  // namespace ektp::abis
