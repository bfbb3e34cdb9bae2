#include "bulk_matching/byte_input.h"

#include <gtest/gtest.h>

#include <string>

namespace ektp::bulk {
namespace {

std::string decode_all(std::string_view text, std::size_t chunk, TextEncoding* encoding = nullptr) {
  DecodedInput input(string_source(text, chunk));
  EXPECT_TRUE(input.start().has_value());
  std::string out;
  while (true) {
    auto next = input.next_chunk();
    EXPECT_TRUE(next.has_value());
    if (!next || next->empty()) break;
    out += *next;
  }
  if (encoding != nullptr) *encoding = input.encoding();
  return out;
}

TEST(ByteInput, Utf8Validation) {
  EXPECT_EQ(first_invalid_utf8("SITI AMINAH JOS\xC3\x89 \xE2\x80\x99 \xF0\x9F\x98\x80"),
            std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("AB\xC9" "CD"), 2u);              // Latin-1 É
  EXPECT_EQ(first_invalid_utf8("\xC0\x80"), 0u);                 // overlong NUL
  EXPECT_EQ(first_invalid_utf8("ab\xED\xA0\x80"), 2u);           // a surrogate
  EXPECT_EQ(first_invalid_utf8("abcdefghij\xF4\x90\x80\x80"), 10u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("abc\xE2\x80"), 3u);              // cut at the end
  EXPECT_EQ(utf8_sequence_bytes("\xE2\x80\x99", 0), 3u);
}

TEST(ByteInput, AMultiByteCharacterCutByTheDetectionWindowIsStillUtf8) {
  // "É" (C3 89) straddles byte 65536: the window ends after C3.
  std::string text(DecodedInput::kDetectBytes - 1, 'A');
  text += "\xC3\x89 tail";
  TextEncoding encoding = TextEncoding::kWindows1252;
  EXPECT_EQ(decode_all(text, 1000, &encoding), text);
  EXPECT_EQ(encoding, TextEncoding::kUtf8);
}

TEST(ByteInput, Windows1252IsConvertedInEveryChunk) {
  std::string text = "JOS\xC9 ";
  text += std::string(100 << 10, 'x');
  text += " JUM\x92" "AT \x80 \x81";
  TextEncoding encoding = TextEncoding::kUtf8;
  const std::string decoded = decode_all(text, 4096, &encoding);
  EXPECT_EQ(encoding, TextEncoding::kWindows1252);
  EXPECT_TRUE(decoded.starts_with("JOS\xC3\x89 x"));
  EXPECT_TRUE(decoded.ends_with(" JUM\xE2\x80\x99" "AT \xE2\x82\xAC \xC2\x81"));  // ’ € U+0081
}

TEST(ByteInput, BomIsDroppedAndReported) {
  DecodedInput input(string_source("\xEF\xBB\xBFrow_id\n"));
  ASSERT_TRUE(input.start().has_value());
  EXPECT_TRUE(input.bom_seen());
  EXPECT_EQ(input.peek(), "row_id\n");
  EXPECT_EQ(input.next_chunk().value(), "row_id\n");
  EXPECT_EQ(input.next_chunk().value(), "");
}

TEST(ByteInput, SourceErrorsPassThrough) {
  int calls = 0;
  DecodedInput input([&calls](std::span<char>) -> Result<std::size_t> {
    ++calls;
    return make_error(ErrorCode::kUnavailable, "disk gone");
  });
  const auto started = input.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().message, "disk gone");
  EXPECT_EQ(calls, 1);
}

TEST(ByteInput, ObservedSourceSeesEveryByte) {
  const std::string text(200'000, 'z');
  std::size_t seen = 0;
  DecodedInput input(observed_source(string_source(text, 777),
                                     [&seen](std::string_view chunk) { seen += chunk.size(); }));
  ASSERT_TRUE(input.start().has_value());
  while (!input.next_chunk().value().empty()) {
  }
  EXPECT_EQ(seen, text.size());
  EXPECT_EQ(input.bytes_read(), text.size());
}

}  // namespace
}  // namespace ektp::bulk
