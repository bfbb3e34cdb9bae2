#include "card/chip_lds.h"

#include <chrono>

#include <fmt/format.h>

#include "card/card_face_source.h"
#include "card/lds_files.h"
#include "core/civil_date.h"
#include "core/region.h"
#include "registry/person_store.h"

namespace ektp::card {

namespace {

Result<std::vector<std::uint8_t>> group_or_error(int group, Result<std::vector<std::uint8_t>> bytes) {
  if (!bytes) {
    return std::unexpected(Error{bytes.error().code, fmt::format("DG{}: {}", group, bytes.error().message),
                                 bytes.error().reason});
  }
  return bytes;
}

}  // namespace

Result<ChipLds> assemble_chip_lds(const Person& person, const CardFace& face, const ChipIssue& issue,
                                  const ChipBiometrics& biometrics) {
  ChipLds lds;
  EKTP_ASSIGN_OR_RETURN(lds.mrz, ektp_mrz(person, issue));
  lds.groups[1] = encode_dg1(lds.mrz);
  EKTP_ASSIGN_OR_RETURN(lds.groups[2],
                        group_or_error(2, encode_dg2(biometrics.face.jpeg, biometrics.face.width, biometrics.face.height)));
  if (!biometrics.fingers.empty()) {
    EKTP_ASSIGN_OR_RETURN(lds.groups[3], group_or_error(3, encode_dg3(biometrics.fingers)));
  }
  EKTP_ASSIGN_OR_RETURN(lds.groups[7], group_or_error(7, encode_dg7(biometrics.signature_png)));
  lds.groups[11] = encode_dg11(person, face);
  lds.groups[12] = encode_dg12(issue, face);
  lds.groups[13] = encode_dg13(face);
  std::vector<int> present;
  for (const auto& [group, bytes] : lds.groups) present.push_back(group);
  lds.ef_com = encode_ef_com({"0107", "040000", present});
  return lds;
}

Result<ChipLds> chip_lds_for_request(store::Connection& db, const PrintRequest& request) {
  if (request.status != PrintStatus::kPrinted && request.status != PrintStatus::kCollected) {
    return failed_precondition(fmt::format("print request {} was not printed", request.id));
  }
  EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(db, request.nik));
  const CivilDate issued =
      jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(request.printed_at_ms)));
  EKTP_ASSIGN_OR_RETURN(auto face, card_face_for(db, RegionDirectory::builtin(), request.nik, issued));
  EKTP_ASSIGN_OR_RETURN(auto biometrics, load_chip_biometrics(db, request.nik));
  return assemble_chip_lds(person, face, {request.blanko_serial, issued, request.office}, biometrics);
}

}  // namespace ektp::card
