#include "card/card_face_source.h"

#include <fmt/format.h>

#include "registry/enrollment_store.h"
#include "registry/person_store.h"

namespace ektp::card {

Result<CardFace> card_face_for(store::Connection& db, const RegionDirectory& regions, std::string_view nik,
                               CivilDate issued) {
  EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(db, nik));
  EKTP_ASSIGN_OR_RETURN(auto enrollments, registry::enrollments_of(db, nik));  // newest first
  for (const auto& e : enrollments) {
    if (e.status == registry::EnrollmentStatus::kDuplicate) continue;
    EKTP_ASSIGN_OR_RETURN(auto full, registry::load_enrollment(db, e.enrollment_id, true));
    if (full.photo.empty() || full.signature.empty()) continue;
    return card_face_of(person, regions, issued, std::move(full.photo), std::move(full.signature));
  }
  return make_error(ErrorCode::kFailedPrecondition,
                    fmt::format("NIK {} has no enrollment with a photo and a signature for the card", nik));
}

}  // namespace ektp::card
