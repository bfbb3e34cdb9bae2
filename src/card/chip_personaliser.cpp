#include "card/chip_personaliser.h"

#include <algorithm>

#include <fmt/format.h>

namespace ektp::card {

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint8_t hi(std::size_t n) { return static_cast<std::uint8_t>(n >> 8); }
std::uint8_t lo(std::size_t n) { return static_cast<std::uint8_t>(n); }

Bytes command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, std::span<const std::uint8_t> data) {
  Bytes apdu(5 + data.size());
  apdu[0] = 0x80;
  apdu[1] = ins;
  apdu[2] = p1;
  apdu[3] = p2;
  apdu[4] = static_cast<std::uint8_t>(data.size());
  std::copy(data.begin(), data.end(), apdu.begin() + 5);
  return apdu;
}

// Sends `apdu` and wants 9000; the card's other answers as errors naming `step`.
Result<Bytes> step(const ChipReader::Transmit& transmit, const Bytes& apdu, std::string_view what) {
  EKTP_ASSIGN_OR_RETURN(auto answer, transmit(apdu));
  const auto word = status_of(answer);
  if (word == sw::kOk) return answer;
  if (word == sw::kAuthenticationBlocked) {
    return refusal(ErrorCode::kPermissionDenied, "issuer_auth_blocked",
                   fmt::format("{}: the card is blocked after three wrong personalisation keys (6983)", what));
  }
  // A blank card answers GET CHALLENGE always; a locked one refuses it outside its application
  // (6985) or ends its BAC session (6987), and refuses every 0x80 command (6985).
  const bool challenge_refused = apdu[1] == 0x84 && (word == sw::kConditionsNotSatisfied || word == sw::kSmObjectsMissing);
  if (challenge_refused || (apdu[1] == 0x82 && word == sw::kConditionsNotSatisfied)) {
    return refusal(ErrorCode::kFailedPrecondition, "card_not_blank",
                   fmt::format("{}: the card is personalised already ({:04X})", what, word));
  }
  if (word == sw::kAuthenticationFailed) {
    return refusal(ErrorCode::kUnauthenticated, "issuer_auth_refused",
                   fmt::format("{}: the card refused the personalisation key (6300)", what));
  }
  return make_error(ErrorCode::kFailedPrecondition, fmt::format("{} answered {:04X}", what, word));
}

}  // namespace

ChipContents manufacture_blank_card(const ChipSerial& serial, const Key32& k_perso) {
  ChipContents blank;
  blank.serial = serial;
  blank.perso_key = k_perso;
  return blank;
}

Result<ChipSerial> personalise(const ChipReader::Transmit& transmit, const ChipKeyOf& perso_key_of,
                               const ChipContents& contents) {
  if (!contents.mrz) return invalid_argument("personalising a chip needs its MRZ");
  if (!contents.terminal_key) return invalid_argument("personalising a chip needs its terminal key");
  for (const auto& [id, bytes] : contents.files) {
    if (bytes.empty() || bytes.size() > kChipFileBytesMax) {
      return invalid_argument(fmt::format("file {:04X}: {} bytes, a chip file has 1 to {}", id, bytes.size(), kChipFileBytesMax));
    }
  }
  // The serial (GET UID), and the card's key from it.
  ChipReader reader(transmit, {});
  EKTP_ASSIGN_OR_RETURN(const ChipSerial serial, reader.chip_serial());
  EKTP_ASSIGN_OR_RETURN(const Key32 perso_key, perso_key_of(serial));
  EKTP_ASSIGN_OR_RETURN(auto challenge, step(transmit, Bytes{0x00, 0x84, 0x00, 0x00, 0x08}, "GET CHALLENGE"));
  if (challenge.size() != 10) return make_error(ErrorCode::kFailedPrecondition, "GET CHALLENGE: not 8 bytes");
  const auto answer = challenge_answer(perso_key, std::span(challenge).first(8), serial);
  EKTP_RETURN_IF_ERROR(step(transmit, command(0x82, 0x00, 0x00, answer), "issuer EXTERNAL AUTHENTICATE"));
  const std::string mrz = (*contents.mrz)[0] + (*contents.mrz)[1] + (*contents.mrz)[2];
  EKTP_RETURN_IF_ERROR(step(transmit, command(0xDA, 0x00, 0x01, Bytes(mrz.begin(), mrz.end())), "PUT DATA (MRZ)"));
  EKTP_RETURN_IF_ERROR(step(transmit, command(0xDA, 0x00, 0x02, *contents.terminal_key), "PUT DATA (terminal key)"));
  for (const auto& [id, bytes] : contents.files) {
    const Bytes create = {hi(id), lo(id), hi(bytes.size()), lo(bytes.size()),
                          static_cast<std::uint8_t>(contents.terminal_only.contains(id) ? 1 : 0)};
    EKTP_RETURN_IF_ERROR(step(transmit, command(0xE0, 0x00, 0x00, create), fmt::format("CREATE FILE {:04X}", id)));
    for (std::size_t at = 0; at < bytes.size(); at += kReadBinaryBlockMax) {
      const std::size_t n = std::min(kReadBinaryBlockMax, bytes.size() - at);
      EKTP_RETURN_IF_ERROR(step(transmit, command(0xD6, hi(at), lo(at), std::span(bytes).subspan(at, n)),
                                fmt::format("UPDATE BINARY {:04X} at {}", id, at)));
    }
  }
  EKTP_RETURN_IF_ERROR(step(transmit, Bytes{0x80, 0x44, 0x00, 0x00}, "LOCK"));
  return serial;
}

}  // namespace ektp::card
