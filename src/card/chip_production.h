// Personalising a printed card's chip (the print step's second half): the request's LDS from the
// register (chip_lds.h), EF.SOD signed by the period's Document Signer in the HSM, the per-chip
// terminal key, written to the blank chip in the reader through issuer-authenticated commands and
// locked (chip_personaliser.h); then read back as any verifier would — BAC, terminal
// authentication, every file compared with what was written, Passive Authentication against the
// issuer's own CSCA — and only then recorded: chip serial ↔ blanko ↔ NIK. A chip that fails is
// not recorded; `print_and_personalise_next` spoils its blanko like a failed print, and the
// request waits again at its place.
#pragma once

#include <cstdint>
#include <string>

#include "card/blanko_stock.h"
#include "card/chip_inspection.h"
#include "card/chip_issuer.h"
#include "card/chip_register.h"
#include "store/database.h"

namespace ektp::card {

struct PersonalisedChip {
  ChipPersonalisation record;
  std::array<std::string, 3> mrz;
  int apdus_written = 0;  // personalisation's command APDUs
  int apdus_read = 0;     // the read-back's
};

// kFailedPrecondition when the request was not printed or its chip was personalised already;
// kDataLoss (reason chip_readback) when the chip does not read back as written.
Result<PersonalisedChip> personalise_request(ChipIssuer& issuer, store::Database& db, std::int64_t request_id,
                                             const ChipReader::Transmit& transmit, const ChipCard::Random& random,
                                             std::string_view actor, std::int64_t now_ms);

inline constexpr std::string_view kChipPersonalisationFailed = "chip_personalisation_failed";

// print_next, then personalise_request; when the chip fails, the blanko is spoiled (the reason
// names the failure) and kFailedPrecondition (reason chip_personalisation_failed) says so, with
// the chip's own error in its message.
Result<PersonalisedChip> print_and_personalise_next(ChipIssuer& issuer, store::Database& db,
                                                    const StockChange& printer, const ChipReader::Transmit& transmit,
                                                    const ChipCard::Random& random);

}  // namespace ektp::card
