// An open verifier's reading of an e-KTP chip (any PC/SC reader, or an in-process card): GET UID,
// BAC from the MRZ, EF.COM, every data group it lists and EF.SOD — DG3 only with a terminal key
// (an authorised reader's), else its refusal (6982) is recorded — then the checks: Passive
// Authentication against the verifier's own CSCA list (passive_authentication.h) and the chip
// serial against a cached, signed revocation list (chip_revocation.h). Counts the APDUs it sent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "card/chip_card.h"
#include "card/chip_revocation.h"
#include "card/lds_files.h"
#include "card/passive_authentication.h"

namespace ektp::card {

struct ChipReading {
  ChipSerial serial{};
  EfCom com;
  std::map<int, std::vector<std::uint8_t>> groups;  // data group → its file, as read
  std::map<int, std::string> not_read;              // data group → why (DG3 without a terminal key)
  std::vector<std::uint8_t> ef_sod;                 // empty when the chip has none (6A82)
  bool terminal_authenticated = false;
  int apdus = 0;                                    // command APDUs sent
};

// kUnauthenticated (bac_refused) for a wrong MRZ; kPermissionDenied (terminal_refused) when a
// terminal key was given and the card refused it; the reader's errors (a card removed mid-read,
// a truncated or oversized answer) as they come, naming the file.
Result<ChipReading> read_chip(const ChipReader::Transmit& transmit, const ChipCard::Random& random,
                              const std::array<std::string, 3>& mrz, const ChipKeyOf* terminal_key_of);

struct ChipVerdict {
  PassiveAuthentication passive_authentication;
  bool revocation_checked = false;   // a valid list was given
  bool revocation_list_stale = false;
  std::optional<RevokedChip> revoked;
  // Passive Authentication passed and the chip is not on the list.
  bool passed() const { return passive_authentication.passed() && !revoked; }
};

ChipVerdict verify_chip(const ChipReading& reading, const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                        const RevocationList* revocations, std::int64_t now_s);
// The same checks on raw data groups and EF.SOD (an agency's reader without the engine sends them
// to central); `chip_serial` (16 hex) for the revocation check, empty when unknown.
ChipVerdict verify_data_groups(const std::map<int, std::vector<std::uint8_t>>& groups,
                               std::span<const std::uint8_t> ef_sod, std::string_view chip_serial,
                               const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                               const RevocationList* revocations, std::int64_t now_s);

}  // namespace ektp::card
