// The emulated chip's state file: a round trip keeps every file and its access, the serial, the
// keys, the lock, the try counter and a half-personalised card's written bytes; one byte changed
// anywhere, a cut file, another file's bytes, an old or unknown version or a card that cannot be
// are refused, never half-loaded; saving replaces the file whole, mode 0600.
#include "card/chip_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <filesystem>

#include "card/lds_files.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

ChipContents specimen() {
  ChipContents c;
  c.serial = {1, 2, 3, 4, 5, 6, 7, 8};
  c.terminal_key = Key32{};
  c.terminal_key->fill(0x5A);
  c.locked = true;
  c.mrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};
  c.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 3}});
  c.files[data_group_file_id(1)] = encode_dg1(*c.mrz);
  c.files[data_group_file_id(3)] = std::vector<std::uint8_t>(300, 0x63);
  c.terminal_only.insert(data_group_file_id(3));
  return c;
}

TEST(ChipStateTest, ARoundTripKeepsEveryFileAndItsAccess) {
  const auto c = specimen();
  auto back = decode_chip_state(encode_chip_state(c));
  ASSERT_OK(back);
  EXPECT_EQ(back->mrz, c.mrz);
  EXPECT_EQ(back->files, c.files);
  EXPECT_EQ(back->terminal_only, c.terminal_only);
  EXPECT_EQ(back->serial, c.serial);
  EXPECT_EQ(back->terminal_key, c.terminal_key);
  EXPECT_TRUE(back->locked);
  EXPECT_FALSE(back->perso_key.has_value());
  EXPECT_TRUE(back->written.empty());
}

TEST(ChipStateTest, AHalfPersonalisedCardKeepsItsKeyTriesAndWrittenBytes) {
  ChipContents c;
  c.serial = {9, 9, 9, 9, 1, 2, 3, 4};
  c.perso_key = Key32{};
  c.perso_key->fill(0x11);
  c.perso_tries = 2;
  c.files[0x0101] = std::vector<std::uint8_t>(21, 0x07);
  c.written[0x0101] = std::vector<bool>(21, false);
  c.written[0x0101][0] = c.written[0x0101][9] = c.written[0x0101][20] = true;
  c.terminal_only.insert(0x0101);
  auto back = decode_chip_state(encode_chip_state(c));
  ASSERT_OK(back);
  EXPECT_EQ(back->serial, c.serial);
  EXPECT_EQ(back->perso_key, c.perso_key);
  EXPECT_FALSE(back->terminal_key.has_value());
  EXPECT_FALSE(back->mrz.has_value());
  EXPECT_FALSE(back->locked);
  EXPECT_EQ(back->perso_tries, 2);
  EXPECT_EQ(back->files, c.files);
  EXPECT_EQ(back->written, c.written);
  EXPECT_EQ(back->terminal_only, c.terminal_only);
  // A blank card without its key, or a locked one that still holds it, cannot be.
  auto keyless = c;
  keyless.perso_key.reset();
  EXPECT_ERROR(decode_chip_state(encode_chip_state(keyless)), ErrorCode::kInvalidArgument, "personalisation key");
  auto locked = specimen();
  locked.perso_key = Key32{};
  EXPECT_ERROR(decode_chip_state(encode_chip_state(locked)), ErrorCode::kInvalidArgument, "locked card");
}

// The same body under another version byte, with a checksum that matches it.
std::vector<std::uint8_t> with_version(std::vector<std::uint8_t> bytes, std::uint8_t version) {
  bytes.resize(bytes.size() - 32);
  bytes[8] = version;
  std::array<std::uint8_t, 32> digest{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &n, EVP_sha256(), nullptr);
  bytes.insert(bytes.end(), digest.begin(), digest.end());
  return bytes;
}

TEST(ChipStateTest, AnOlderOrNewerVersionIsRefusedSayingSo) {
  const auto bytes = encode_chip_state(specimen());
  ASSERT_EQ(bytes[8], 2);
  auto old = decode_chip_state(with_version(bytes, 1));
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(old.error().reason, "chip_state_version");
  EXPECT_NE(old.error().message.find("version 1, from before chip serials"), std::string::npos) << old.error().message;
  EXPECT_ERROR(decode_chip_state(with_version(bytes, 3)), ErrorCode::kFailedPrecondition, "version 3");
}

TEST(ChipStateTest, AChangedOrCutFileIsRefused) {
  const auto bytes = encode_chip_state(specimen());
  for (std::size_t i = 0; i < bytes.size(); i += 11) {
    auto changed = bytes;
    changed[i] ^= 0x10;
    EXPECT_FALSE(decode_chip_state(changed).has_value()) << "byte " << i;
  }
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{40}, bytes.size() - 1}) {
    EXPECT_FALSE(decode_chip_state(std::span(bytes).first(n)).has_value()) << n;
  }
  auto flipped = bytes;
  flipped[20] ^= 1;
  EXPECT_ERROR(decode_chip_state(flipped), ErrorCode::kDataLoss, "checksum");
  const std::vector<std::uint8_t> other = {'P', 'N', 'G', 0, 1, 2};
  EXPECT_ERROR(decode_chip_state(other), ErrorCode::kInvalidArgument, "not an ektp chip state");
}

TEST(ChipStateTest, SavingReplacesTheFileWholeAndPrivately) {
  const auto dir = std::filesystem::temp_directory_path() / ("ektp-chip-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "card.state";
  ASSERT_OK(save_chip_state(path, specimen()));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_chip_state(path);
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->files.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  EXPECT_ERROR(load_chip_state(dir / "none"), ErrorCode::kNotFound, "no chip state");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ektp::card
