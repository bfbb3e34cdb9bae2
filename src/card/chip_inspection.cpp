#include "card/chip_inspection.h"

#include <fmt/format.h>

#include "card/byte_text.h"

namespace ektp::card {

Result<ChipReading> read_chip(const ChipReader::Transmit& transmit, const ChipCard::Random& random,
                              const std::array<std::string, 3>& mrz, const ChipKeyOf* terminal_key_of) {
  ChipReading reading;
  ChipReader reader(
      [&](std::span<const std::uint8_t> apdu) {
        ++reading.apdus;
        return transmit(apdu);
      },
      random);
  EKTP_ASSIGN_OR_RETURN(reading.serial, reader.chip_serial());
  EKTP_RETURN_IF_ERROR(reader.open(mrz));
  if (terminal_key_of != nullptr) {
    EKTP_RETURN_IF_ERROR(reader.authenticate_terminal(*terminal_key_of));
    reading.terminal_authenticated = true;
  }
  EKTP_ASSIGN_OR_RETURN(auto com_file, reader.read_file(kEfComId));
  EKTP_ASSIGN_OR_RETURN(reading.com, parse_ef_com(com_file));
  for (const int group : reading.com.groups) {
    auto file = reader.read_file(data_group_file_id(group));
    if (file) {
      reading.groups[group] = std::move(*file);
    } else if (file.error().code == ErrorCode::kPermissionDenied || file.error().code == ErrorCode::kNotFound) {
      reading.not_read[group] = file.error().message;
    } else {
      return std::unexpected(Error{file.error().code, fmt::format("DG{}: {}", group, file.error().message),
                                   file.error().reason});
    }
  }
  auto sod = reader.read_file(kEfSodId);
  if (sod) {
    reading.ef_sod = std::move(*sod);
  } else if (sod.error().code != ErrorCode::kNotFound) {  // no EF.SOD at all: Passive Authentication says so
    return std::unexpected(Error{sod.error().code, "EF.SOD: " + sod.error().message, sod.error().reason});
  }
  return reading;
}

ChipVerdict verify_data_groups(const std::map<int, std::vector<std::uint8_t>>& groups,
                               std::span<const std::uint8_t> ef_sod, std::string_view chip_serial,
                               const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                               const RevocationList* revocations, std::int64_t now_s) {
  ChipVerdict verdict;
  verdict.passive_authentication = passive_authentication(groups, ef_sod, trusted_cscas, now_s);
  if (revocations != nullptr) {
    verdict.revocation_checked = true;
    verdict.revocation_list_stale = revocation_list_stale(*revocations, now_s);
    if (const auto* entry = revocations->find(chip_serial); entry != nullptr && !chip_serial.empty()) {
      verdict.revoked = *entry;
    }
  }
  return verdict;
}

ChipVerdict verify_chip(const ChipReading& reading, const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                        const RevocationList* revocations, std::int64_t now_s) {
  return verify_data_groups(reading.groups, reading.ef_sod, hex_of(reading.serial), trusted_cscas, revocations, now_s);
}

}  // namespace ektp::card
