// The emulated chip's state file: a round trip keeps every file and its access; one byte changed
// anywhere, a cut file, another file's bytes or a wrong version are refused, never half-loaded;
// saving replaces the file whole, mode 0600.
#include "card/chip_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "card/lds_files.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

ChipContents specimen() {
  ChipContents c;
  c.mrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};
  c.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 3}});
  c.files[data_group_file_id(1)] = encode_dg1(c.mrz);
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
