// The 0x80 commands of a blank e-KTP chip (the table in chip_card.h): the issuer's EXTERNAL
// AUTHENTICATE with K_perso (three wrong MACs in a row block it for good), PUT DATA of the MRZ and
// the terminal key, CREATE FILE, SELECT for writing, UPDATE BINARY and LOCK, after which the card
// forgets K_perso and refuses every one of them (6985).
#include <openssl/crypto.h>

#include <algorithm>
#include <numeric>

#include "card/chip_card.h"
#include "card/mrz.h"

namespace ektp::card {

namespace {

constexpr std::uint8_t kExternalAuthenticate = 0x82, kPutData = 0xDA, kCreateFile = 0xE0, kSelect = 0xA4,
                       kUpdateBinary = 0xD6, kLock = 0x44;
constexpr std::uint8_t kPutMrz = 0x01, kPutTerminalKey = 0x02;
constexpr std::uint8_t kTerminalOnlyFlag = 0x01;

std::vector<std::uint8_t> status(std::uint16_t word) { return status_response(word); }

}  // namespace

std::vector<std::uint8_t> ChipCard::personalisation(std::span<const std::uint8_t> apdu) {
  if (contents_.locked) return status(sw::kConditionsNotSatisfied);
  if (contents_.perso_tries >= kPersoTriesMax) return status(sw::kAuthenticationBlocked);
  const auto command = parse_command(apdu);
  if (!command) return status(sw::kWrongLength);
  if (command->ins == kExternalAuthenticate) return issuer_authenticate(*command);
  if (!issuer_authenticated_) return status(sw::kSecurityNotSatisfied);
  switch (command->ins) {
    case kPutData:
      return put_data(*command);
    case kCreateFile:
      return create_file(*command);
    case kSelect: {
      if (command->p1 != 0x02 || command->p2 != 0x0C) return status(sw::kWrongOffset);
      if (command->data.size() != 2) return status(sw::kWrongLength);
      const auto id = static_cast<std::uint16_t>(command->data[0] << 8 | command->data[1]);
      if (!contents_.files.contains(id)) return status(sw::kFileNotFound);
      perso_file_ = id;
      return status(sw::kOk);
    }
    case kUpdateBinary:
      return update_binary(*command);
    case kLock:
      if (command->p1 != 0 || command->p2 != 0) return status(sw::kWrongOffset);
      if (!command->data.empty() || command->le) return status(sw::kWrongLength);
      return lock();
    default:
      return status(sw::kInsNotSupported);
  }
}

std::vector<std::uint8_t> ChipCard::issuer_authenticate(const CommandApdu& command) {
  if (command.p1 != 0 || command.p2 != 0) return status(sw::kWrongOffset);
  if (!challenge_) return status(sw::kConditionsNotSatisfied);
  if (command.data.size() != Key32{}.size()) return status(sw::kWrongLength);
  const Bytes8 challenge = *challenge_;
  challenge_.reset();  // one try per challenge
  const auto expected = challenge_answer(*contents_.perso_key, challenge, contents_.serial);
  if (!same_mac(expected, command.data)) {
    issuer_authenticated_ = false;
    ++contents_.perso_tries;
    dirty_ = true;
    return status(sw::kAuthenticationFailed);
  }
  if (contents_.perso_tries != 0) {
    contents_.perso_tries = 0;
    dirty_ = true;
  }
  issuer_authenticated_ = true;
  return status(sw::kOk);
}

std::vector<std::uint8_t> ChipCard::put_data(const CommandApdu& command) {
  if (command.p1 != 0) return status(sw::kWrongOffset);
  if (command.p2 == kPutMrz) {
    if (command.data.size() != 90) return status(sw::kWrongLength);
    const std::string text(command.data.begin(), command.data.end());
    const std::array<std::string, 3> mrz = {text.substr(0, 30), text.substr(30, 30), text.substr(60, 30)};
    if (!decode_td1(mrz)) return status(sw::kWrongData);
    const auto information = bac_mrz_information(mrz);
    if (!information) return status(sw::kWrongData);
    const auto keys = derive_bac_keys(*information);
    if (!keys) return status(sw::kWrongData);
    contents_.mrz = mrz;
    keys_ = *keys;
    dirty_ = true;
    return status(sw::kOk);
  }
  if (command.p2 == kPutTerminalKey) {
    if (command.data.size() != Key32{}.size()) return status(sw::kWrongLength);
    Key32 key{};
    std::copy(command.data.begin(), command.data.end(), key.begin());
    contents_.terminal_key = key;
    dirty_ = true;
    return status(sw::kOk);
  }
  return status(sw::kWrongOffset);
}

std::vector<std::uint8_t> ChipCard::create_file(const CommandApdu& command) {
  if (command.p1 != 0 || command.p2 != 0) return status(sw::kWrongOffset);
  if (command.data.size() != 5) return status(sw::kWrongLength);
  const auto id = static_cast<std::uint16_t>(command.data[0] << 8 | command.data[1]);
  const std::size_t size = static_cast<std::size_t>(command.data[2]) << 8 | command.data[3];
  const std::uint8_t flags = command.data[4];
  if (size == 0 || size > kChipFileBytesMax || (flags & ~kTerminalOnlyFlag) != 0) return status(sw::kWrongData);
  if (contents_.files.contains(id)) return status(sw::kFileExists);
  const std::size_t used = std::accumulate(contents_.files.begin(), contents_.files.end(), std::size_t{0},
                                           [](std::size_t n, const auto& file) { return n + file.second.size(); });
  if (contents_.files.size() >= kChipFilesMax || used + size > kChipMemoryBytes) return status(sw::kNotEnoughMemory);
  contents_.files[id] = std::vector<std::uint8_t>(size, 0);
  contents_.written[id] = std::vector<bool>(size, false);
  if (flags & kTerminalOnlyFlag) contents_.terminal_only.insert(id);
  perso_file_ = id;
  dirty_ = true;
  return status(sw::kOk);
}

std::vector<std::uint8_t> ChipCard::update_binary(const CommandApdu& command) {
  if (!perso_file_) return status(sw::kConditionsNotSatisfied);
  if (command.p1 & 0x80) return status(sw::kWrongOffset);  // 15-bit offsets, no short file ids
  if (command.data.empty()) return status(sw::kWrongLength);
  const auto file = contents_.files.find(*perso_file_);
  if (file == contents_.files.end()) return status(sw::kConditionsNotSatisfied);
  const std::size_t offset = static_cast<std::size_t>(command.p1) << 8 | command.p2;
  if (offset + command.data.size() > file->second.size()) return status(sw::kWrongOffset);
  std::copy(command.data.begin(), command.data.end(), file->second.begin() + static_cast<std::ptrdiff_t>(offset));
  if (auto written = contents_.written.find(*perso_file_); written != contents_.written.end()) {
    std::fill_n(written->second.begin() + static_cast<std::ptrdiff_t>(offset), command.data.size(), true);
  }
  dirty_ = true;
  return status(sw::kOk);
}

std::vector<std::uint8_t> ChipCard::lock() {
  const bool complete = std::all_of(contents_.written.begin(), contents_.written.end(), [](const auto& file) {
    return std::all_of(file.second.begin(), file.second.end(), [](bool b) { return b; });
  });
  if (!contents_.mrz || !keys_ || !contents_.terminal_key || !complete) return status(sw::kConditionsNotSatisfied);
  OPENSSL_cleanse(contents_.perso_key->data(), contents_.perso_key->size());
  contents_.perso_key.reset();
  contents_.written.clear();
  contents_.perso_tries = 0;
  contents_.locked = true;
  issuer_authenticated_ = false;
  perso_file_.reset();
  challenge_.reset();
  dirty_ = true;
  return status(sw::kOk);
}

}  // namespace ektp::card
