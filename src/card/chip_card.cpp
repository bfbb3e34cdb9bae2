#include "card/chip_card.h"

#include <openssl/rand.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/lds_files.h"
#include "card/mrz.h"

namespace ektp::card {

ChipCard::Random system_chip_random() {
  return [] {
    Bytes8 b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) == 1) return b;
    std::random_device device;  // OpenSSL could not seed itself: the kernel's source directly
    for (auto& x : b) x = static_cast<std::uint8_t>(device());
    return b;
  };
}

namespace {

std::vector<std::uint8_t> status(std::uint16_t word) { return status_response(word); }

constexpr std::uint8_t kSelect = 0xA4, kReadBinary = 0xB0, kGetChallenge = 0x84, kExternalAuthenticate = 0x82,
                       kGetUid = 0xCA;
constexpr std::uint8_t kTerminalAuthenticationP2 = 0x01;

}  // namespace

Result<ChipCard> ChipCard::make(ChipContents contents, Random random) {
  std::optional<BacKeys> keys;
  if (contents.mrz) {
    EKTP_ASSIGN_OR_RETURN(auto information, bac_mrz_information(*contents.mrz));
    EKTP_ASSIGN_OR_RETURN(keys, derive_bac_keys(information));
  }
  if (contents.locked && !keys) return invalid_argument("a personalised chip has an MRZ");
  if (contents.locked && contents.perso_key) return invalid_argument("a personalised chip no longer holds K_perso");
  if (!contents.locked && !contents.perso_key) return invalid_argument("a blank chip holds its personalisation key");
  return ChipCard(std::move(contents), std::move(random), keys);
}

void ChipCard::reset_session() {
  session_.reset();
  challenge_.reset();
  selected_file_.reset();
  terminal_challenge_.reset();
  terminal_authenticated_ = false;
}

void ChipCard::reset() {
  reset_session();
  application_selected_ = false;
  issuer_authenticated_ = false;
  perso_file_.reset();
}

std::vector<std::uint8_t> ChipCard::transmit(std::span<const std::uint8_t> apdu) {
  if (apdu.size() < 4) return status(sw::kWrongLength);
  if (apdu[0] == 0xFF) return get_uid(apdu);  // before SM's class test: FF has the SM bits set
  if (apdu[0] == 0x80) return personalisation(apdu);
  if ((apdu[0] & 0x0C) == 0x0C) return secured(apdu);
  if (apdu[0] != 0x00) return status(sw::kClaNotSupported);
  if (!contents_.locked) {  // a blank card: the issuer's challenge, nothing of the LDS yet
    if (apdu[1] == kGetChallenge) return get_challenge(apdu, challenge_);
    if (apdu[1] == kSelect || apdu[1] == kReadBinary || apdu[1] == kExternalAuthenticate) {
      return status(sw::kConditionsNotSatisfied);
    }
    return status(sw::kInsNotSupported);
  }
  // A plain command after BAC ends the session (ICAO 9303 Part 11 §9.8.4).
  if (session_ && apdu[1] != kSelect) {
    reset_session();
    return status(sw::kSmObjectsMissing);
  }
  return plain(apdu);
}

std::vector<std::uint8_t> ChipCard::get_uid(std::span<const std::uint8_t> apdu) const {
  if (apdu[1] != kGetUid) return status(sw::kInsNotSupported);
  const auto command = parse_command(apdu);
  if (!command || !command->data.empty()) return status(sw::kWrongLength);
  if (command->p1 != 0 || command->p2 != 0) return status(sw::kWrongOffset);
  if (command->le && *command->le != 256 && *command->le != kChipSerialBytes) return status(sw::kWrongLength);
  return with_status({contents_.serial.begin(), contents_.serial.end()}, sw::kOk);
}

std::vector<std::uint8_t> ChipCard::get_challenge(std::span<const std::uint8_t> apdu, std::optional<Bytes8>& into) {
  if (apdu.size() != 5 || apdu[4] != 8) return status(sw::kWrongLength);
  if (apdu[2] != 0 || apdu[3] != 0) return status(sw::kWrongOffset);
  into = random_();
  return with_status({into->begin(), into->end()}, sw::kOk);
}

std::vector<std::uint8_t> ChipCard::plain(std::span<const std::uint8_t> apdu) {
  const std::uint8_t ins = apdu[1], p1 = apdu[2];
  if (ins == kSelect && p1 == 0x04) {
    if (apdu.size() < 5 || apdu.size() < 5u + apdu[4]) return status(sw::kWrongLength);
    const auto aid = apdu.subspan(5, apdu[4]);
    reset_session();
    application_selected_ = std::equal(aid.begin(), aid.end(), kLdsAid.begin(), kLdsAid.end());
    return status(application_selected_ ? sw::kOk : sw::kFileNotFound);
  }
  if (!application_selected_) return status(sw::kConditionsNotSatisfied);
  if (ins == kGetChallenge) return get_challenge(apdu, challenge_);
  if (ins == kExternalAuthenticate) {
    if (!challenge_) return status(sw::kConditionsNotSatisfied);
    if (apdu.size() < 5 || apdu[4] != 40 || apdu.size() < 45) return status(sw::kWrongLength);
    const Bytes8 rnd_icc = *challenge_;
    challenge_.reset();  // one try per challenge
    std::array<std::uint8_t, 16> k_icc{};
    const Bytes8 a = random_(), b = random_();
    std::copy(a.begin(), a.end(), k_icc.begin());
    std::copy(b.begin(), b.end(), k_icc.begin() + 8);
    auto answer = card_authenticate(*keys_, apdu.subspan(5, 40), rnd_icc, k_icc);
    if (!answer) return status(sw::kAuthenticationFailed);
    session_ = answer->session;
    return with_status(std::move(answer->response), sw::kOk);
  }
  if (ins == kSelect || ins == kReadBinary) return status(sw::kSecurityNotSatisfied);  // BAC first
  return status(sw::kInsNotSupported);
}

std::vector<std::uint8_t> ChipCard::secured(std::span<const std::uint8_t> apdu) {
  if (!session_) return status(sw::kSmObjectsIncorrect);  // no session (never made, or ended)
  auto command = unprotect_command(*session_, apdu);
  if (!command) {
    reset_session();  // a wrong MAC ends the session; the reader must authenticate again
    return status(sw::kSmObjectsIncorrect);
  }
  const auto response = file_command(*command);
  return protect_response(*session_, response);
}

std::vector<std::uint8_t> ChipCard::file_command(std::span<const std::uint8_t> apdu) {
  const std::uint8_t ins = apdu[1], p1 = apdu[2], p2 = apdu[3];
  if (apdu[0] == 0x80) return status(sw::kConditionsNotSatisfied);  // personalisation is over
  if (apdu[0] != 0x00) return status(sw::kClaNotSupported);
  if (ins == kSelect) {
    if (p1 != 0x02 || apdu.size() < 7 || apdu[4] != 2) return status(sw::kWrongLength);
    const auto id = static_cast<std::uint16_t>(apdu[5] << 8 | apdu[6]);
    if (!contents_.files.contains(id)) return status(sw::kFileNotFound);
    if (contents_.terminal_only.contains(id) && !terminal_authenticated_) return status(sw::kSecurityNotSatisfied);
    selected_file_ = id;
    return status(sw::kOk);
  }
  if (ins == kReadBinary) {
    if (!selected_file_) return status(sw::kConditionsNotSatisfied);
    if (p1 & 0x80) return status(sw::kWrongOffset);  // short file ids are not offered
    if (apdu.size() != 5) return status(sw::kWrongLength);
    const std::size_t offset = static_cast<std::size_t>(p1) << 8 | p2;
    const auto& file = contents_.files.at(*selected_file_);
    if (offset > file.size()) return status(sw::kWrongOffset);
    const std::size_t wanted = apdu[4] == 0 ? kReadBinaryBlockMax : apdu[4];
    if (wanted > kReadBinaryBlockMax) return status(sw::kWrongLength);
    const std::size_t n = std::min(wanted, file.size() - offset);
    return with_status({file.begin() + static_cast<std::ptrdiff_t>(offset),
                        file.begin() + static_cast<std::ptrdiff_t>(offset + n)},
                       sw::kOk);
  }
  if (ins == kGetChallenge) return get_challenge(apdu, terminal_challenge_);
  if (ins == kExternalAuthenticate) {
    const auto command = parse_command(apdu);
    if (!command) return status(sw::kWrongLength);
    if (p1 != 0x00 || p2 != kTerminalAuthenticationP2) return status(sw::kWrongOffset);
    return terminal_authenticate(*command);
  }
  return status(sw::kInsNotSupported);
}

std::vector<std::uint8_t> ChipCard::terminal_authenticate(const CommandApdu& command) {
  if (!terminal_challenge_ || !contents_.terminal_key) return status(sw::kConditionsNotSatisfied);
  if (command.data.size() != Key32{}.size()) return status(sw::kWrongLength);
  const Bytes8 challenge = *terminal_challenge_;
  terminal_challenge_.reset();  // one try per challenge
  const auto expected = challenge_answer(*contents_.terminal_key, challenge, contents_.serial);
  if (!same_mac(expected, command.data)) return status(sw::kAuthenticationFailed);
  terminal_authenticated_ = true;
  return status(sw::kOk);
}

Result<ChipSerial> ChipReader::chip_serial() {
  EKTP_ASSIGN_OR_RETURN(auto answer, transmit_(std::vector<std::uint8_t>{0xFF, kGetUid, 0x00, 0x00, 0x00}));
  if (answer.size() != kChipSerialBytes + 2 || status_of(answer) != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition,
                      fmt::format("GET UID answered {:04X} with {} bytes", status_of(answer), answer.size()));
  }
  ChipSerial serial{};
  std::copy_n(answer.begin(), serial.size(), serial.begin());
  return serial;
}

Status ChipReader::open(const std::array<std::string, 3>& mrz) {
  session_.reset();
  std::vector<std::uint8_t> select = {0x00, kSelect, 0x04, 0x0C, static_cast<std::uint8_t>(kLdsAid.size())};
  select.insert(select.end(), kLdsAid.begin(), kLdsAid.end());
  EKTP_ASSIGN_OR_RETURN(auto selected, transmit_(select));
  if (status_of(selected) != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition,
                      fmt::format("SELECT of the LDS application answered {:04X}{}", status_of(selected),
                                  status_of(selected) == sw::kConditionsNotSatisfied ? " (a blank card, not personalised)" : ""));
  }
  EKTP_ASSIGN_OR_RETURN(auto challenge, transmit_(std::vector<std::uint8_t>{0x00, kGetChallenge, 0x00, 0x00, 0x08}));
  if (challenge.size() != 10 || status_of(challenge) != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition, fmt::format("GET CHALLENGE answered {:04X}", status_of(challenge)));
  }
  Bytes8 rnd_icc{};
  std::copy_n(challenge.begin(), 8, rnd_icc.begin());
  EKTP_ASSIGN_OR_RETURN(auto information, bac_mrz_information(mrz));
  EKTP_ASSIGN_OR_RETURN(auto keys, derive_bac_keys(information));
  const Bytes8 rnd_ifd = random_(), ka = random_(), kb = random_();
  std::array<std::uint8_t, 16> k_ifd{};
  std::copy(ka.begin(), ka.end(), k_ifd.begin());
  std::copy(kb.begin(), kb.end(), k_ifd.begin() + 8);
  std::vector<std::uint8_t> authenticate = {0x00, kExternalAuthenticate, 0x00, 0x00, 40};
  const auto cryptogram = terminal_cryptogram(keys, rnd_ifd, rnd_icc, k_ifd);
  authenticate.insert(authenticate.end(), cryptogram.begin(), cryptogram.end());
  authenticate.push_back(40);
  EKTP_ASSIGN_OR_RETURN(auto answer, transmit_(authenticate));
  if (status_of(answer) != sw::kOk) {
    return refusal(ErrorCode::kUnauthenticated, "bac_refused",
                   fmt::format("the card refused BAC ({:04X}): the MRZ does not match it", status_of(answer)));
  }
  EKTP_ASSIGN_OR_RETURN(session_, terminal_session(keys, std::span(answer).first(answer.size() - 2), rnd_ifd, rnd_icc,
                                                   k_ifd));
  return {};
}

Result<std::vector<std::uint8_t>> ChipReader::secure(std::span<const std::uint8_t> plain_apdu) {
  if (!session_) return make_error(ErrorCode::kFailedPrecondition, "open the card (BAC) first");
  EKTP_ASSIGN_OR_RETURN(auto protected_apdu, protect_command(*session_, plain_apdu));
  EKTP_ASSIGN_OR_RETURN(auto response, transmit_(protected_apdu));
  if (response.size() == 2) {  // answered without secure messaging: the card ended the session
    session_.reset();
    return make_error(ErrorCode::kFailedPrecondition,
                      fmt::format("the card ended secure messaging ({:04X}): open it again", status_of(response)));
  }
  return unprotect_response(*session_, response);
}

Status ChipReader::authenticate_terminal(const ChipKeyOf& terminal_key_of) {
  if (!session_) return make_error(ErrorCode::kFailedPrecondition, "open the card (BAC) first");
  EKTP_ASSIGN_OR_RETURN(const ChipSerial serial, chip_serial());
  EKTP_ASSIGN_OR_RETURN(const Key32 key, terminal_key_of(serial));
  EKTP_ASSIGN_OR_RETURN(auto challenge, secure(std::vector<std::uint8_t>{0x00, kGetChallenge, 0x00, 0x00, 0x08}));
  if (challenge.size() != 10 || status_of(challenge) != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition, fmt::format("GET CHALLENGE answered {:04X}", status_of(challenge)));
  }
  const auto answer = challenge_answer(key, std::span(challenge).first(8), serial);
  std::vector<std::uint8_t> authenticate = {0x00, kExternalAuthenticate, 0x00, kTerminalAuthenticationP2,
                                            static_cast<std::uint8_t>(answer.size())};
  authenticate.insert(authenticate.end(), answer.begin(), answer.end());
  EKTP_ASSIGN_OR_RETURN(auto answered, secure(authenticate));
  const auto word = status_of(answered);
  if (word == sw::kAuthenticationFailed) {
    return refusal(ErrorCode::kUnauthenticated, "terminal_refused", "the card refused the terminal key (6300)");
  }
  if (word != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition, fmt::format("terminal EXTERNAL AUTHENTICATE answered {:04X}", word));
  }
  return {};
}

Result<std::vector<std::uint8_t>> ChipReader::read_file(std::uint16_t file_id) {
  const std::vector<std::uint8_t> select = {0x00, kSelect, 0x02, 0x0C, 0x02, static_cast<std::uint8_t>(file_id >> 8),
                                            static_cast<std::uint8_t>(file_id)};
  EKTP_ASSIGN_OR_RETURN(auto selected, secure(select));
  const auto word = status_of(selected);
  if (word == sw::kSecurityNotSatisfied) {
    return refusal(ErrorCode::kPermissionDenied, "card_security_status",
                   fmt::format("file {:04X}: this terminal may not read it (6982)", file_id));
  }
  if (word == sw::kFileNotFound) return not_found(fmt::format("file {:04X}: not on the card (6A82)", file_id));
  if (word != sw::kOk) return make_error(ErrorCode::kFailedPrecondition, fmt::format("SELECT {:04X} answered {:04X}", file_id, word));
  // The first four bytes hold the tag and the length: how much to read.
  std::vector<std::uint8_t> file;
  std::size_t total = 0;
  while (total == 0 || file.size() < total) {
    const std::size_t want = total == 0 ? 4 : std::min(kReadBinaryBlockMax, total - file.size());
    const std::vector<std::uint8_t> read = {0x00, kReadBinary, static_cast<std::uint8_t>(file.size() >> 8),
                                            static_cast<std::uint8_t>(file.size()), static_cast<std::uint8_t>(want)};
    EKTP_ASSIGN_OR_RETURN(auto chunk, secure(read));
    if (status_of(chunk) != sw::kOk) {
      return make_error(ErrorCode::kFailedPrecondition,
                        fmt::format("READ BINARY of {:04X} at {} answered {:04X}", file_id, file.size(), status_of(chunk)));
    }
    chunk.resize(chunk.size() - 2);
    if (chunk.empty()) return make_error(ErrorCode::kDataLoss, fmt::format("file {:04X} ends early", file_id));
    file.insert(file.end(), chunk.begin(), chunk.end());
    if (total == 0) {
      // tag (1–2 bytes in the LDS) and a length of up to three bytes
      std::size_t at = (file[0] & 0x1F) == 0x1F ? 2 : 1;
      if (file.size() <= at) return make_error(ErrorCode::kDataLoss, "the file's header is cut short");
      std::size_t length = file[at++];
      if (length > 0x80) {
        const std::size_t bytes = length - 0x80;
        if (bytes > 3 || file.size() < at + bytes) {
          return refusal(ErrorCode::kInvalidArgument, "tlv_malformed", fmt::format("file {:04X}: a bad length", file_id));
        }
        length = 0;
        for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | file[at++];
      }
      total = at + length;
      if (total > kTlvBytesMax) return refusal(ErrorCode::kInvalidArgument, "tlv_malformed", "file too large");
    }
  }
  file.resize(total);
  return file;
}

}  // namespace ektp::card
