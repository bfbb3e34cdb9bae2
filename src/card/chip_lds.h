// The whole LDS of a resident's e-KTP chip, before it is signed: the MRZ that opens it (BAC) and
// every data group's file — DG1 (MRZ), DG2 (face), DG3 (fingers, an authorised terminal's only),
// DG7 (signature), DG11–DG13 (personal, issuing and e-KTP fields) — with EF.COM listing them.
// `assemble_chip_lds` is pure; `chip_lds_for_request` reads a printed request's person, card
// face (of the print day) and newest enrollment from the register.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "card/card_face.h"
#include "card/lds_biometric_source.h"
#include "card/lds_personal.h"
#include "card/print_queue.h"
#include "core/person.h"
#include "store/database.h"

namespace ektp::card {

struct ChipLds {
  std::array<std::string, 3> mrz;
  std::map<int, std::vector<std::uint8_t>> groups;  // data group number → its file
  std::vector<std::uint8_t> ef_com;
};

// kInvalidArgument when a data group cannot be made (its encoder's error, naming the group).
// DG3 is left out when no finger has a template (a resident whose prints cannot be taken).
Result<ChipLds> assemble_chip_lds(const Person& person, const CardFace& face, const ChipIssue& issue,
                                  const ChipBiometrics& biometrics);

// The chip of a printed (or collected) request: kFailedPrecondition when it was not printed.
Result<ChipLds> chip_lds_for_request(store::Connection& db, const PrintRequest& request);

}  // namespace ektp::card
