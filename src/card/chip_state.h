// The emulated chip's contents in a file, so a card survives a restart of its emulator: the MRZ,
// every file with its id and whether only an authorised terminal may read it. The format is ours:
// "EKTPCHIP" and a version byte, BER-TLV records (ber_tlv.h), and the SHA-256 of all before it,
// checked before anything is read — a corrupted or truncated file is refused, never half-loaded.
// Written to a temporary file of mode 0600 and renamed over the old one.
#pragma once

#include <filesystem>
#include <vector>

#include "card/chip_card.h"

namespace ektp::card {

std::vector<std::uint8_t> encode_chip_state(const ChipContents& contents);
// kDataLoss when the checksum does not match (a changed or cut file); kInvalidArgument for a file
// that is not a chip state or holds a malformed record.
Result<ChipContents> decode_chip_state(std::span<const std::uint8_t> bytes);

Status save_chip_state(const std::filesystem::path& path, const ChipContents& contents);
Result<ChipContents> load_chip_state(const std::filesystem::path& path);

}  // namespace ektp::card
