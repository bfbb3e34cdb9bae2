// The emulated chip's contents in a file, so a card survives a restart of its emulator: its serial,
// K_perso while it is blank, the terminal key, whether it is locked and the personalisation try
// counter, the MRZ once written, every file with its id, whether only an authorised terminal may
// read it and (while personalising) which of its bytes were written. The format is ours:
// "EKTPCHIP" and a version byte (2; version 1, before serials and personalisation, is refused),
// BER-TLV records (ber_tlv.h), and the SHA-256 of all before it, checked before anything is read —
// a corrupted or truncated file is refused, never half-loaded. Written to a temporary file of mode
// 0600 and renamed over the old one.
#pragma once

#include <filesystem>
#include <vector>

#include "card/chip_card.h"

namespace ektp::card {

std::vector<std::uint8_t> encode_chip_state(const ChipContents& contents);
// kDataLoss when the checksum does not match (a changed or cut file); kFailedPrecondition (reason
// chip_state_version) for a state of another version; kInvalidArgument for a file that is not a
// chip state, holds a malformed record or a card ChipCard::make would refuse.
Result<ChipContents> decode_chip_state(std::span<const std::uint8_t> bytes);

Status save_chip_state(const std::filesystem::path& path, const ChipContents& contents);
Result<ChipContents> load_chip_state(const std::filesystem::path& path);

}  // namespace ektp::card
