// A chip's life from the factory, in-process through ChipCard::transmit: a blank card answers its
// serial and the issuer's challenge only; personalise() authenticates with K_perso (derived from
// the issuer's master key), writes the MRZ, the terminal key and every file and locks it — then
// BAC reads every file back, DG3 after terminal authentication. And what a blank card refuses: a
// wrong K_perso (6300, blocked after three: 6983), anything before issuer authentication (6982),
// LOCK before every file is written (6985), writing past a file's end (6B00), the LDS before it is
// locked (6985); and every 0x80 command after LOCK (6985). The card's changes survive its state.
#include "card/chip_personaliser.h"

#include <gtest/gtest.h>

#include <random>

#include "card/chip_state.h"
#include "card/lds_files.h"
#include "card/mrz.h"
#include "support/chip_fixture.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

const std::array<std::string, 3> kMrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};
const ChipSerial kSerial = {0x04, 0xE1, 0x7B, 0x00, 0x12, 0x34, 0x56, 0x78};

Key32 master(std::uint8_t seed) {
  Key32 k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed + i * 3);
  return k;
}
const Key32 kPersoMaster = master(1), kTerminalMaster = master(2);


using Bytes = std::vector<std::uint8_t>;

std::uint16_t sw_of(const Bytes& r) { return status_of(r); }

// What the issuer writes: EF.COM, DG1, a face image over many blocks, and DG3 for terminals only.
ChipContents issued() {
  ChipContents c;
  c.mrz = kMrz;
  c.terminal_key = diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, kSerial);
  c.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 2, 3}});
  c.files[data_group_file_id(1)] = encode_dg1(kMrz);
  std::vector<std::uint8_t> face(5000);
  for (std::size_t i = 0; i < face.size(); ++i) face[i] = static_cast<std::uint8_t>(i * 13 + 1);
  c.files[data_group_file_id(2)] = encode_tlv(0x75, face);
  c.files[data_group_file_id(3)] = encode_tlv(0x63, std::vector<std::uint8_t>(300, 0x3C));
  c.terminal_only.insert(data_group_file_id(3));
  return c;
}

Result<Key32> perso_key_of(std::span<const std::uint8_t> serial) {
  return diversify_chip_key(kPersoMaster, kPersoKeyLabel, serial);
}

class ChipPersonalisationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = ChipCard::make(manufacture_blank_card(kSerial, *perso_key_of(kSerial)), test::seeded_chip_random(5));
    ASSERT_OK(made);
    card.emplace(std::move(*made));
  }
  ChipReader::Transmit transmit() {
    return [this](std::span<const std::uint8_t> apdu) -> Result<Bytes> { return card->transmit(apdu); };
  }
  Bytes send(Bytes apdu) { return card->transmit(apdu); }
  // GET CHALLENGE and issuer EXTERNAL AUTHENTICATE with the key `master` gives; its status word.
  std::uint16_t issuer_auth(const Key32& perso_master) {
    const auto challenge = send({0x00, 0x84, 0x00, 0x00, 0x08});
    EXPECT_EQ(challenge.size(), 10u);
    if (challenge.size() != 10) return sw_of(challenge);
    const auto key = diversify_chip_key(perso_master, kPersoKeyLabel, kSerial);
    const auto mac = challenge_answer(key, std::span(challenge).first(8), kSerial);
    Bytes apdu = {0x80, 0x82, 0x00, 0x00, 0x20};
    apdu.insert(apdu.end(), mac.begin(), mac.end());
    return sw_of(send(apdu));
  }
  static Bytes apdu(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data) {
    Bytes out(5 + data.size());
    out[0] = 0x80;
    out[1] = ins;
    out[2] = p1;
    out[3] = p2;
    out[4] = static_cast<std::uint8_t>(data.size());
    std::copy(data.begin(), data.end(), out.begin() + 5);
    return out;
  }
  static Bytes mrz_bytes() {
    const std::string text = kMrz[0] + kMrz[1] + kMrz[2];
    return Bytes(text.begin(), text.end());
  }
  std::optional<ChipCard> card;
};

TEST_F(ChipPersonalisationTest, APersonalisedCardReadsBackEveryFileWithBac) {
  auto uid = send({0xFF, 0xCA, 0x00, 0x00, 0x00});
  ASSERT_EQ(uid.size(), 10u);
  EXPECT_TRUE(std::equal(kSerial.begin(), kSerial.end(), uid.begin()));
  EXPECT_FALSE(card->dirty());
  const auto contents = issued();
  int asked = 0;
  auto serial = personalise(transmit(), [&](std::span<const std::uint8_t> s) {
    ++asked;
    return perso_key_of(s);
  }, contents);
  ASSERT_OK(serial);
  EXPECT_EQ(*serial, kSerial);
  EXPECT_EQ(asked, 1);
  // The card changed: locked, K_perso forgotten, everything written.
  EXPECT_TRUE(card->dirty());
  EXPECT_TRUE(card->contents().locked);
  EXPECT_FALSE(card->contents().perso_key.has_value());
  EXPECT_TRUE(card->contents().written.empty());
  EXPECT_EQ(card->contents().files, contents.files);
  EXPECT_EQ(card->contents().terminal_only, contents.terminal_only);
  EXPECT_EQ(card->contents().mrz, contents.mrz);

  ChipReader reader(transmit(), test::seeded_chip_random(6));
  ASSERT_OK(reader.open(kMrz));
  for (const auto& [id, bytes] : contents.files) {
    if (contents.terminal_only.contains(id)) {
      EXPECT_ERROR(reader.read_file(id), ErrorCode::kPermissionDenied, "6982");
      continue;
    }
    auto read = reader.read_file(id);
    ASSERT_OK(read);
    EXPECT_EQ(*read, bytes) << id;
  }
  ASSERT_OK(reader.authenticate_terminal([](std::span<const std::uint8_t> s) -> Result<Key32> {
    return diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, s);
  }));
  auto dg3 = reader.read_file(data_group_file_id(3));
  ASSERT_OK(dg3);
  EXPECT_EQ(*dg3, contents.files.at(data_group_file_id(3)));

  // The saved card is the same card after a restart of its emulator.
  auto state = decode_chip_state(encode_chip_state(card->contents()));
  ASSERT_OK(state);
  auto again = ChipCard::make(std::move(*state), test::seeded_chip_random(7));
  ASSERT_OK(again);
  ChipReader second([&](std::span<const std::uint8_t> a) -> Result<Bytes> { return again->transmit(a); }, test::seeded_chip_random(8));
  ASSERT_OK(second.open(kMrz));
  auto dg2 = second.read_file(data_group_file_id(2));
  ASSERT_OK(dg2);
  EXPECT_EQ(*dg2, contents.files.at(data_group_file_id(2)));

  // Personalising it again: it is not blank any more.
  auto twice = personalise(transmit(), perso_key_of, contents);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().reason, "card_not_blank");
}

TEST_F(ChipPersonalisationTest, AWrongPersoKeyCountsATryAndThreeInARowBlockTheCard) {
  const Key32 wrong = master(99);
  EXPECT_EQ(issuer_auth(wrong), sw::kAuthenticationFailed);
  EXPECT_EQ(card->contents().perso_tries, 1);
  EXPECT_TRUE(card->dirty());  // the counter is on the card, its owner must store it
  card->mark_saved();
  EXPECT_EQ(issuer_auth(wrong), sw::kAuthenticationFailed);
  EXPECT_TRUE(card->dirty());
  // The right key in between starts the count again.
  EXPECT_EQ(issuer_auth(kPersoMaster), sw::kOk);
  EXPECT_EQ(card->contents().perso_tries, 0);
  EXPECT_EQ(issuer_auth(wrong), sw::kAuthenticationFailed);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, mrz_bytes()))), sw::kSecurityNotSatisfied);  // a wrong try ends it
  EXPECT_EQ(issuer_auth(wrong), sw::kAuthenticationFailed);
  auto refused = personalise(transmit(), [](std::span<const std::uint8_t>) -> Result<Key32> { return master(99); }, issued());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().reason, "issuer_auth_refused");
  EXPECT_EQ(card->contents().perso_tries, 3);
  // Blocked for good: the right key too, every 0x80 command, and after a restart.
  EXPECT_EQ(issuer_auth(kPersoMaster), sw::kAuthenticationBlocked);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kAuthenticationBlocked);
  card->reset();
  EXPECT_EQ(issuer_auth(kPersoMaster), sw::kAuthenticationBlocked);
  auto blocked = personalise(transmit(), perso_key_of, issued());
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(blocked.error().reason, "issuer_auth_blocked");
  auto state = decode_chip_state(encode_chip_state(card->contents()));
  ASSERT_OK(state);
  auto restarted = ChipCard::make(std::move(*state), test::seeded_chip_random(9));
  ASSERT_OK(restarted);
  card.emplace(std::move(*restarted));
  EXPECT_EQ(issuer_auth(kPersoMaster), sw::kAuthenticationBlocked);
}

TEST_F(ChipPersonalisationTest, ABlankCardRefusesEverythingButItsSerialAndChallengeBeforeIssuerAuthentication) {
  // The LDS is not there yet.
  Bytes select = {0x00, 0xA4, 0x04, 0x0C, 0x07};
  select.insert(select.end(), kLdsAid.begin(), kLdsAid.end());
  EXPECT_EQ(sw_of(send(select)), sw::kConditionsNotSatisfied);
  ChipReader reader(transmit(), test::seeded_chip_random(4));
  EXPECT_ERROR(reader.open(kMrz), ErrorCode::kFailedPrecondition, "blank");
  // Every 0x80 command before issuer authentication: 6982.
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, mrz_bytes()))), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x02, Bytes(32, 1)))), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x00, 0x10, 0x00}))), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(send(apdu(0xD6, 0x00, 0x00, {1, 2, 3}))), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(send(apdu(0xA4, 0x02, 0x0C, {0x01, 0x01}))), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kSecurityNotSatisfied);
  // EXTERNAL AUTHENTICATE without a challenge, or of a wrong length.
  EXPECT_EQ(sw_of(send(apdu(0x82, 0x00, 0x00, Bytes(32, 0)))), sw::kConditionsNotSatisfied);
  send({0x00, 0x84, 0x00, 0x00, 0x08});
  EXPECT_EQ(sw_of(send(apdu(0x82, 0x00, 0x00, Bytes(16, 0)))), sw::kWrongLength);
  EXPECT_EQ(card->contents().perso_tries, 0);
  EXPECT_FALSE(card->dirty());
  // Authenticated, until a reset.
  ASSERT_EQ(issuer_auth(kPersoMaster), sw::kOk);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, mrz_bytes()))), sw::kOk);
  card->reset();
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x02, Bytes(32, 1)))), sw::kSecurityNotSatisfied);
}

TEST_F(ChipPersonalisationTest, WritingIsBoundsCheckedAndLockWantsEverythingWritten) {
  ASSERT_EQ(issuer_auth(kPersoMaster), sw::kOk);
  // Nothing selected for writing yet; bad data.
  EXPECT_EQ(sw_of(send(apdu(0xD6, 0x00, 0x00, {1}))), sw::kConditionsNotSatisfied);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, Bytes(90, 'X')))), sw::kWrongData);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, Bytes(89, '<')))), sw::kWrongLength);
  EXPECT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x03, Bytes(32, 1)))), sw::kWrongOffset);
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x00, 0x00, 0x00}))), sw::kWrongData);  // empty
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x80, 0x00, 0x00}))), sw::kWrongData);  // 32768
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x00, 0x10, 0x02}))), sw::kWrongData);  // flags
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x00, 0x10}))), sw::kWrongLength);
  EXPECT_EQ(sw_of(send(apdu(0xA4, 0x02, 0x0C, {0x01, 0x01}))), sw::kFileNotFound);
  // A 300-byte file: written up to its end, not past it.
  ASSERT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x01, 0x2C, 0x00}))), sw::kOk);
  EXPECT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x01, 0x00, 0x10, 0x00}))), sw::kFileExists);
  EXPECT_EQ(sw_of(send(apdu(0xD6, 0x01, 0x2B, {1, 2}))), sw::kWrongOffset);   // 299 + 2 > 300
  EXPECT_EQ(sw_of(send(apdu(0xD6, 0x81, 0x00, {1}))), sw::kWrongOffset);      // a short file id
  EXPECT_EQ(sw_of(send({0x80, 0xD6, 0x00, 0x00, 0x05, 1, 2, 3})), sw::kWrongLength);  // Lc 5, 3 bytes
  EXPECT_EQ(sw_of(send({0x80, 0xD6, 0x00, 0x00})), sw::kWrongLength);         // no data
  ASSERT_EQ(sw_of(send(apdu(0xD6, 0x00, 0x00, Bytes(200, 0xAB)))), sw::kOk);
  ASSERT_EQ(sw_of(send(apdu(0xD6, 0x01, 0x2B, {0xCD}))), sw::kOk);            // the last byte
  // LOCK: the MRZ, the terminal key and bytes 200..298 missing; each in turn.
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kConditionsNotSatisfied);
  ASSERT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x01, mrz_bytes()))), sw::kOk);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kConditionsNotSatisfied);
  ASSERT_EQ(sw_of(send(apdu(0xDA, 0x00, 0x02, Bytes(32, 0x42)))), sw::kOk);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kConditionsNotSatisfied);
  // A second file, then the first selected again and finished.
  ASSERT_EQ(sw_of(send(apdu(0xE0, 0x00, 0x00, {0x01, 0x1E, 0x00, 0x03, 0x00}))), sw::kOk);
  ASSERT_EQ(sw_of(send(apdu(0xD6, 0x00, 0x00, {0x60, 0x01, 0x00}))), sw::kOk);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kConditionsNotSatisfied);
  // Half-way, the emulator restarts: what was written is still there.
  auto state = decode_chip_state(encode_chip_state(card->contents()));
  ASSERT_OK(state);
  auto restarted = ChipCard::make(std::move(*state), test::seeded_chip_random(10));
  ASSERT_OK(restarted);
  card.emplace(std::move(*restarted));
  ASSERT_EQ(issuer_auth(kPersoMaster), sw::kOk);
  EXPECT_EQ(sw_of(send(apdu(0xD6, 0x00, 0xC8, Bytes(99, 0xEF)))), sw::kConditionsNotSatisfied);  // none selected
  ASSERT_EQ(sw_of(send(apdu(0xA4, 0x02, 0x0C, {0x01, 0x01}))), sw::kOk);
  ASSERT_EQ(sw_of(send(apdu(0xD6, 0x00, 0xC8, Bytes(99, 0xEF)))), sw::kOk);
  EXPECT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00, 0x00})), sw::kWrongLength);
  ASSERT_EQ(sw_of(send({0x80, 0x44, 0x00, 0x00})), sw::kOk);
  const auto& file = card->contents().files.at(0x0101);
  EXPECT_EQ(file[0], 0xAB);
  EXPECT_EQ(file[200], 0xEF);
  EXPECT_EQ(file[299], 0xCD);
  // After LOCK: every 0x80 command 6985, K_perso gone, and an LDS1 card with BAC.
  EXPECT_FALSE(card->contents().perso_key.has_value());
  for (const auto& command : {apdu(0x82, 0x00, 0x00, Bytes(32, 0)), apdu(0xDA, 0x00, 0x01, mrz_bytes()),
                              apdu(0xDA, 0x00, 0x02, Bytes(32, 1)), apdu(0xE0, 0x00, 0x00, {0x01, 0x02, 0x00, 0x10, 0x00}),
                              apdu(0xA4, 0x02, 0x0C, {0x01, 0x01}), apdu(0xD6, 0x00, 0x00, {1}), Bytes{0x80, 0x44, 0x00, 0x00},
                              Bytes{0x80, 0x12, 0x00, 0x00}}) {
    EXPECT_EQ(sw_of(send(command)), sw::kConditionsNotSatisfied) << int{command[1]};
  }
  ChipReader reader(transmit(), test::seeded_chip_random(11));
  ASSERT_OK(reader.open(kMrz));
  auto com = reader.read_file(0x011E);
  ASSERT_OK(com);
  EXPECT_EQ(*com, (Bytes{0x60, 0x01, 0x00}));
}

TEST_F(ChipPersonalisationTest, ThePersonaliserRefusesContentsACardCannotHold) {
  auto no_mrz = issued();
  no_mrz.mrz.reset();
  EXPECT_ERROR(personalise(transmit(), perso_key_of, no_mrz), ErrorCode::kInvalidArgument, "MRZ");
  auto no_key = issued();
  no_key.terminal_key.reset();
  EXPECT_ERROR(personalise(transmit(), perso_key_of, no_key), ErrorCode::kInvalidArgument, "terminal key");
  auto huge = issued();
  huge.files[data_group_file_id(2)] = Bytes(kChipFileBytesMax + 1, 0);
  EXPECT_ERROR(personalise(transmit(), perso_key_of, huge), ErrorCode::kInvalidArgument, "32767");
  EXPECT_ERROR(personalise(transmit(), [](std::span<const std::uint8_t>) -> Result<Key32> {
    return make_error(ErrorCode::kUnavailable, "the HSM is down");
  }, issued()), ErrorCode::kUnavailable, "HSM");
  EXPECT_FALSE(card->dirty());  // nothing reached the card but GET UID and nothing changed
  // A blank card cannot be made without its key.
  ChipContents keyless;
  keyless.serial = kSerial;
  EXPECT_ERROR(ChipCard::make(keyless, test::seeded_chip_random(1)), ErrorCode::kInvalidArgument, "personalisation key");
}

}  // namespace
}  // namespace ektp::card
