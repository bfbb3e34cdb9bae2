// The e-KTP chip as a card answers (the core of our card emulator; vpcd_card.h puts it behind
// pcscd) and the reader's side that drives it. ISO/IEC 7816-4 commands on the ICAO 9303 LDS1
// application, BAC with 3DES secure messaging (bac_session.h), and before that the life of a chip
// from the factory: a manufactured (blank) card holds only its serial and the personalisation key
// K_perso, the issuer authenticates with it and writes the MRZ, the terminal key and the files,
// then LOCKs the card — it forgets K_perso and is an LDS1 card from then on. The fingerprints
// (DG3) need terminal authentication with K_term after BAC. Keys and MACs: chip_keys.h.
//
// Every command (SM: under BAC's secure messaging, CLA 0C; "issuer": after issuer EXTERNAL
// AUTHENTICATE on a blank card):
//
//   CLA INS P1 P2  data                         card              what, and its refusals
//   FF  CA  00 00  — (Le 00 or 08)              any, plain        GET UID: the 8-byte serial. Leaves
//                                                                 any SM session as it is (readers
//                                                                 answer it themselves on real cards)
//   00  84  00 00  — (Le 08)                    blank, or locked  GET CHALLENGE: 8 random bytes, for
//                                               with LDS selected issuer auth or BAC
//   80  82  00 00  HMAC(K_perso, chal ‖ serial) blank             issuer EXTERNAL AUTHENTICATE (32 bytes):
//                                                                 6300 wrong (a try; 3 in a row block:
//                                                                 6983 from then on), 6985 no challenge
//   80  DA  00 01  the 90 MRZ characters        blank, issuer     PUT DATA MRZ (BAC's seed); 6A80 not TD1
//   80  DA  00 02  K_term (32 bytes)            blank, issuer     PUT DATA terminal key
//   80  E0  00 00  fid(2) size(2) flags(1)      blank, issuer     CREATE FILE of `size` zero bytes
//                                                                 (1..32767), selected for writing;
//                                                                 flags bit 0: terminal only. 6A89 it
//                                                                 exists, 6A80 bad size or flags, 6A84
//                                                                 card memory full
//   80  A4  02 0C  fid(2)                       blank, issuer     SELECT a created file for writing; 6A82
//   80  D6  offset data                         blank, issuer     UPDATE BINARY at the 15-bit offset
//                                                                 P1P2 of the file selected for writing:
//                                                                 6B00 past its end, 6985 none selected
//   80  44  00 00  —                            blank, issuer     LOCK: 6985 unless the MRZ and K_term
//                                                                 are set and every file fully written
//   00  A4  04 0C  the LDS AID                  locked            SELECT the application (ends any
//                                                                 session); 6985 on a blank card
//   00  82  00 00  E_IFD ‖ M_IFD (40 bytes)     locked, challenge BAC's EXTERNAL AUTHENTICATE; 6300
//   0C  A4  02 0C  fid(2)                       SM                SELECT a file; 6982 for DG3 without
//                                                                 terminal authentication; 6A82
//   0C  B0  offset — (Le ≤ 224)                 SM                READ BINARY; 6B00 past the end
//   0C  84  00 00  — (Le 08)                    SM                GET CHALLENGE for terminal auth
//   0C  82  00 01  HMAC(K_term, chal ‖ serial)  SM, challenge     terminal EXTERNAL AUTHENTICATE (32
//                                                                 bytes): DG3 selectable for the rest
//                                                                 of this session; 6300 wrong (the
//                                                                 session stays)
//
// Any 0x80 command: 6982 before issuer authentication, 6983 once blocked, 6985 on a locked card.
// A plain command other than SELECT (and GET UID) ends an SM session with 6987; a bad SM MAC ends
// it with 6988. Issuer authentication, BAC and terminal authentication all end with reset().
// 6700 for a wrong length, 6D00 an unknown instruction, 6E00 an unknown class. Pure: the random
// numbers come from the caller's source; no PC/SC here.
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

#include "card/apdu.h"
#include "card/bac_session.h"
#include "card/chip_keys.h"
#include "core/error.h"

namespace ektp::card {

namespace sw {
inline constexpr std::uint16_t kOk = 0x9000;
inline constexpr std::uint16_t kAuthenticationFailed = 0x6300;
inline constexpr std::uint16_t kWrongLength = 0x6700;
inline constexpr std::uint16_t kSecurityNotSatisfied = 0x6982;
inline constexpr std::uint16_t kAuthenticationBlocked = 0x6983;
inline constexpr std::uint16_t kConditionsNotSatisfied = 0x6985;
inline constexpr std::uint16_t kSmObjectsMissing = 0x6987;
inline constexpr std::uint16_t kSmObjectsIncorrect = 0x6988;
inline constexpr std::uint16_t kWrongData = 0x6A80;
inline constexpr std::uint16_t kFileNotFound = 0x6A82;
inline constexpr std::uint16_t kNotEnoughMemory = 0x6A84;
inline constexpr std::uint16_t kFileExists = 0x6A89;
inline constexpr std::uint16_t kWrongOffset = 0x6B00;      // also: wrong P1 P2
inline constexpr std::uint16_t kInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kClaNotSupported = 0x6E00;
}  // namespace sw

inline constexpr std::size_t kReadBinaryBlockMax = 224;
inline constexpr std::size_t kChipFileBytesMax = 32767;   // 15-bit offsets
inline constexpr std::size_t kChipMemoryBytes = 512 * 1024;  // all files together
inline constexpr std::size_t kChipFilesMax = 64;
inline constexpr std::uint8_t kPersoTriesMax = 3;

struct ChipContents {
  ChipSerial serial{};                             // random at manufacture; GET UID answers it
  std::optional<Key32> perso_key;                  // K_perso: a blank card's; forgotten at LOCK
  std::optional<Key32> terminal_key;               // K_term: DG3's terminal authentication
  bool locked = false;                             // personalised: an LDS1 card, 0x80 refused
  std::uint8_t perso_tries = 0;                    // wrong issuer MACs in a row; 3 block
  std::optional<std::array<std::string, 3>> mrz;   // what BAC's keys come from; none when blank
  std::map<std::uint16_t, std::vector<std::uint8_t>> files;  // file id → contents
  std::set<std::uint16_t> terminal_only;           // DG3: an authorised terminal's only
  // While personalising: which bytes of each created file UPDATE BINARY wrote. Empty once locked.
  std::map<std::uint16_t, std::vector<bool>> written;
};

class ChipCard {
 public:
  using Random = std::function<Bytes8()>;
  // kInvalidArgument when the MRZ cannot make BAC keys, a locked card has no MRZ or still holds
  // K_perso, or a blank card has no K_perso.
  static Result<ChipCard> make(ChipContents contents, Random random);

  // One command APDU in, its response (data ‖ SW1 SW2) out; never fails: errors are status words.
  std::vector<std::uint8_t> transmit(std::span<const std::uint8_t> apdu);
  // Power off and on, or a reset: every session and authentication ends; the contents stay.
  void reset();

  const ChipContents& contents() const { return contents_; }
  // Whether a command changed the contents (personalisation, a wrong issuer MAC counted) since
  // the card was made or mark_saved() was called: its owner should store them before answering.
  bool dirty() const { return dirty_; }
  void mark_saved() { dirty_ = false; }

 private:
  ChipCard(ChipContents contents, Random random, std::optional<BacKeys> keys)
      : contents_(std::move(contents)), random_(std::move(random)), keys_(keys) {}
  std::vector<std::uint8_t> plain(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> secured(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> file_command(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> get_uid(std::span<const std::uint8_t> apdu) const;
  std::vector<std::uint8_t> get_challenge(std::span<const std::uint8_t> apdu, std::optional<Bytes8>& into);
  std::vector<std::uint8_t> terminal_authenticate(const CommandApdu& command);
  // chip_card_personalisation.cpp: the 0x80 commands of a blank card.
  std::vector<std::uint8_t> personalisation(std::span<const std::uint8_t> apdu);
  std::vector<std::uint8_t> issuer_authenticate(const CommandApdu& command);
  std::vector<std::uint8_t> put_data(const CommandApdu& command);
  std::vector<std::uint8_t> create_file(const CommandApdu& command);
  std::vector<std::uint8_t> update_binary(const CommandApdu& command);
  std::vector<std::uint8_t> lock();
  void reset_session();

  ChipContents contents_;
  Random random_;
  std::optional<BacKeys> keys_;                  // from the MRZ, once there is one
  bool application_selected_ = false;
  std::optional<Bytes8> challenge_;              // plain GET CHALLENGE: BAC's or the issuer's
  std::optional<SecureSession> session_;
  std::optional<std::uint16_t> selected_file_;
  std::optional<Bytes8> terminal_challenge_;     // GET CHALLENGE under SM
  bool terminal_authenticated_ = false;          // for this SM session
  bool issuer_authenticated_ = false;            // until reset()
  std::optional<std::uint16_t> perso_file_;      // the file UPDATE BINARY writes
  bool dirty_ = false;
};

// K_perso or K_term of a chip, by its serial (an issuer's HSM, an authorised reader's token).
using ChipKeyOf = std::function<Result<Key32>(std::span<const std::uint8_t> serial)>;

// The operating system's random numbers (OpenSSL's RAND_bytes), for real cards and readers; tests
// pass a seeded source instead.
ChipCard::Random system_chip_random();

// The reader's side: selects the application, runs BAC from the MRZ and reads whole files under
// secure messaging, through `transmit` (an in-process card, or a PC/SC reader).
class ChipReader {
 public:
  using Transmit = std::function<Result<std::vector<std::uint8_t>>(std::span<const std::uint8_t>)>;
  ChipReader(Transmit transmit, ChipCard::Random random) : transmit_(std::move(transmit)), random_(std::move(random)) {}

  // The card's serial (GET UID, plain; any time: it leaves the SM session alone).
  // kFailedPrecondition when the card does not answer it with 8 bytes and 9000.
  Result<ChipSerial> chip_serial();
  // kUnauthenticated (reason bac_refused) when the card refuses the MRZ; kFailedPrecondition with
  // the status word for a card that does not answer as an LDS1 chip (6985: a blank card).
  Status open(const std::array<std::string, 3>& mrz);
  // Terminal authentication, after open(): the serial, K_term = terminal_key_of(serial), GET
  // CHALLENGE and EXTERNAL AUTHENTICATE (P2 01) under SM. DG3 is then readable until the session
  // ends. kUnauthenticated (reason terminal_refused) when the card refuses the key; the error of
  // terminal_key_of as it is; kFailedPrecondition before open() or for another status word.
  Status authenticate_terminal(const ChipKeyOf& terminal_key_of);
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
