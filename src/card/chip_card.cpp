#include "card/chip_card.h"

#include <algorithm>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/lds_files.h"
#include "card/mrz.h"

namespace ektp::card {

namespace {

std::vector<std::uint8_t> status(std::uint16_t word) {
  return {static_cast<std::uint8_t>(word >> 8), static_cast<std::uint8_t>(word)};
}

std::vector<std::uint8_t> with_status(std::vector<std::uint8_t> data, std::uint16_t word) {
  data.push_back(static_cast<std::uint8_t>(word >> 8));
  data.push_back(static_cast<std::uint8_t>(word));
  return data;
}

std::uint16_t status_of(std::span<const std::uint8_t> response) {
  return response.size() < 2 ? 0 : static_cast<std::uint16_t>(response[response.size() - 2] << 8 | response.back());
}

constexpr std::uint8_t kSelect = 0xA4, kReadBinary = 0xB0, kGetChallenge = 0x84, kExternalAuthenticate = 0x82;

}  // namespace

Result<ChipCard> ChipCard::make(ChipContents contents, Random random) {
  EKTP_ASSIGN_OR_RETURN(auto information, bac_mrz_information(contents.mrz));
  EKTP_ASSIGN_OR_RETURN(auto keys, derive_bac_keys(information));
  return ChipCard(std::move(contents), std::move(random), keys);
}

void ChipCard::reset_session() {
  session_.reset();
  challenge_.reset();
  selected_file_.reset();
}

std::vector<std::uint8_t> ChipCard::transmit(std::span<const std::uint8_t> apdu) {
  if (apdu.size() < 4) return status(sw::kWrongLength);
  if ((apdu[0] & 0x0C) == 0x0C) return secured(apdu);
  if (apdu[0] != 0x00) return status(sw::kClaNotSupported);
  // A plain command after BAC ends the session (ICAO 9303 Part 11 §9.8.4).
  if (session_ && apdu[1] != kSelect) {
    reset_session();
    return status(sw::kSmObjectsMissing);
  }
  return plain(apdu);
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
  if (ins == kGetChallenge) {
    if (apdu.size() != 5 || apdu[4] != 8) return status(sw::kWrongLength);
    challenge_ = random_();
    return with_status({challenge_->begin(), challenge_->end()}, sw::kOk);
  }
  if (ins == kExternalAuthenticate) {
    if (!challenge_) return status(sw::kConditionsNotSatisfied);
    if (apdu.size() < 5 || apdu[4] != 40 || apdu.size() < 45) return status(sw::kWrongLength);
    const Bytes8 rnd_icc = *challenge_;
    challenge_.reset();  // one try per challenge
    std::array<std::uint8_t, 16> k_icc{};
    const Bytes8 a = random_(), b = random_();
    std::copy(a.begin(), a.end(), k_icc.begin());
    std::copy(b.begin(), b.end(), k_icc.begin() + 8);
    auto answer = card_authenticate(keys_, apdu.subspan(5, 40), rnd_icc, k_icc);
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
  if (ins == kSelect) {
    if (p1 != 0x02 || apdu.size() < 7 || apdu[4] != 2) return status(sw::kWrongLength);
    const auto id = static_cast<std::uint16_t>(apdu[5] << 8 | apdu[6]);
    if (!contents_.files.contains(id)) return status(sw::kFileNotFound);
    if (contents_.terminal_only.contains(id)) return status(sw::kSecurityNotSatisfied);
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
  return status(sw::kInsNotSupported);
}

Status ChipReader::open(const std::array<std::string, 3>& mrz) {
  session_.reset();
  std::vector<std::uint8_t> select = {0x00, kSelect, 0x04, 0x0C, static_cast<std::uint8_t>(kLdsAid.size())};
  select.insert(select.end(), kLdsAid.begin(), kLdsAid.end());
  EKTP_ASSIGN_OR_RETURN(auto selected, transmit_(select));
  if (status_of(selected) != sw::kOk) {
    return make_error(ErrorCode::kFailedPrecondition,
                      fmt::format("SELECT of the LDS application answered {:04X}", status_of(selected)));
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
