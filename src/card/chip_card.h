// The e-KTP chip as a card answers (the core of our card emulator; pcscd and vpcd are the next
// step): ISO/IEC 7816-4 commands on the LDS1 application — SELECT by AID and by file id, GET
// CHALLENGE, EXTERNAL AUTHENTICATE (BAC, bac_session.h), READ BINARY with an offset in blocks of at
// most 224 bytes — every file only after BAC and only under secure messaging, the fingerprints
// (DG3) never without an authorised terminal (6982) — and the right status word for every error. Also the reader's side that drives it. Pure: the random numbers come from
// the caller's source; no PC/SC here.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "card/bac_session.h"
#include "core/error.h"

namespace ektp::card {

namespace sw {
inline constexpr std::uint16_t kOk = 0x9000;
inline constexpr std::uint16_t kAuthenticationFailed = 0x6300;
inline constexpr std::uint16_t kWrongLength = 0x6700;
inline constexpr std::uint16_t kSecurityNotSatisfied = 0x6982;
inline constexpr std::uint16_t kSmObjectsMissing = 0x6987;
inline constexpr std::uint16_t kSmObjectsIncorrect = 0x6988;
inline constexpr std::uint16_t kConditionsNotSatisfied = 0x6985;
inline constexpr std::uint16_t kFileNotFound = 0x6A82;
inline constexpr std::uint16_t kWrongOffset = 0x6B00;
inline constexpr std::uint16_t kInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kClaNotSupported = 0x6E00;
}  // namespace sw

inline constexpr std::size_t kReadBinaryBlockMax = 224;

struct ChipContents {
  std::array<std::string, 3> mrz;                   // what BAC's keys come from
  std::map<std::uint16_t, std::vector<std::uint8_t>> files;  // file id → contents
  std::set<std::uint16_t> terminal_only;            // DG3: an authorised terminal's only
};

class ChipCard {
 public:
  using Random = std::function<Bytes8()>;
  // kInvalidArgument when the MRZ cannot make BAC keys.
  static Result<ChipCard> make(ChipContents contents, Random random);

  // One command APDU in, its response (data ‖ SW1 SW2) out; never fails: errors are status words.
  std::vector<std::uint8_t> transmit(std::span<const std::uint8_t> apdu);

 private:
  ChipCard(ChipContents contents, Random random, BacKeys keys)
      : contents_(std::move(contents)), random_(std::move(random)), keys_(keys) {}
  std::vector<std::uint8_t> plain(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> secured(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> file_command(std::span<const std::uint8_t> apdu);
  void reset_session();

  ChipContents contents_;
  Random random_;
  BacKeys keys_;
  bool application_selected_ = false;
  std::optional<Bytes8> challenge_;
  std::optional<SecureSession> session_;
  std::optional<std::uint16_t> selected_file_;
};

// The reader's side: selects the application, runs BAC from the MRZ and reads whole files under
// secure messaging, through `transmit` (an in-process card, or a PC/SC reader).
class ChipReader {
 public:
  using Transmit = std::function<Result<std::vector<std::uint8_t>>(std::span<const std::uint8_t>)>;
  ChipReader(Transmit transmit, ChipCard::Random random) : transmit_(std::move(transmit)), random_(std::move(random)) {}

  // kUnauthenticated (reason bac_refused) when the card refuses the MRZ; kFailedPrecondition with
  // the status word for a card that does not answer as an LDS1 chip.
  Status open(const std::array<std::string, 3>& mrz);
  // A whole file by id (its length from its TLV header). kPermissionDenied (reason
  // card_security_status, 6982) for a file this terminal may not read; kNotFound (6A82).
  Result<std::vector<std::uint8_t>> read_file(std::uint16_t file_id);

 private:
  Result<std::vector<std::uint8_t>> secure(std::span<const std::uint8_t> plain_apdu);
  Transmit transmit_;
  ChipCard::Random random_;
  std::optional<SecureSession> session_;
};

}  // namespace ektp::card
