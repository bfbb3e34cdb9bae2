#include "biometrics/checksum.h"

#include <string_view>

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Checksum, MatchesTheStandardCheckValue) {
  constexpr std::string_view text = "123456789";
  const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
  EXPECT_EQ(crc32({data, text.size()}), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
}

TEST(Checksum, SeedChainsParts) {
  const std::uint8_t bytes[] = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(crc32(std::span(bytes).subspan(3), crc32(std::span(bytes).first(3))), crc32(bytes));
}

}  // namespace
}  // namespace ektp::biometrics
