// The chip's biometric data groups: DG2 (an ISO/IEC 19794-5 facial record around a JPEG made here
// with OpenCV), DG3 (ISO/IEC 19794-2 minutiae records of synthetic templates and of a real
// FVC2002 print, tests/data/fingerprints/fvc2002-db1b), DG7 (the signature PNG); the exact header bytes;
// which fingers stand in for a missing index finger; and hostile input — cut data, wrong tags and
// counts, nesting past the limit, a DG3 whose data block is not 19794-2, oversize and non-JPEG
// images — each refused with its reason.
#include "card/lds_biometric.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "biometrics/iso19794.h"
#include "biometrics/template_format.h"
#include "card/ber_tlv.h"
#include "support/card_fixture.h"
#include "support/hex_bytes.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using Bytes = std::vector<std::uint8_t>;
const auto bytes = [](std::string_view h) { return test::bytes_of_hex(h); };
const auto hex = [](const auto& r) { return test::hex_of(r); };

// A face-like test image: a smooth gradient with an ellipse, or noise (which JPEG cannot shrink).
Bytes jpeg_of(int width, int height, bool colour = true, bool noise = false, int quality = 85) {
  cv::Mat image(height, width, colour ? CV_8UC3 : CV_8UC1);
  std::mt19937 random(7);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int v = noise ? static_cast<int>(random() % 256) : (x * 255 / width + y * 128 / height) % 256;
      if (colour) {
        image.at<cv::Vec3b>(y, x) = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(255 - v), 128};
      } else {
        image.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(v);
      }
    }
  }
  Bytes out;
  EXPECT_TRUE(cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality}));
  return out;
}

// The first occurrence of `from` replaced by `to` (same length or not).
Bytes replaced(Bytes b, std::string_view from_hex, std::string_view to_hex) {
  const Bytes from = bytes(from_hex), to = bytes(to_hex);
  auto it = std::search(b.begin(), b.end(), from.begin(), from.end());
  EXPECT_NE(it, b.end()) << "no " << from_hex;
  if (it == b.end()) return b;
  const auto at = it - b.begin();
  b.erase(b.begin() + at, b.begin() + at + static_cast<std::ptrdiff_t>(from.size()));
  b.insert(b.begin() + at, to.begin(), to.end());
  return b;
}

bool contains(const Bytes& b, std::string_view h) {
  const Bytes needle = bytes(h);
  return std::search(b.begin(), b.end(), needle.begin(), needle.end()) != b.end();
}

std::string reason_of(const auto& result) { return result ? std::string("(ok)") : result.error().reason; }

biometrics::FeatureTemplate synthetic_template(int minutiae, int seed) {
  biometrics::FeatureTemplate t;
  t.width_px = 300;
  t.height_px = 400;
  t.image_quality = 2;
  std::mt19937 random(static_cast<unsigned>(seed));
  for (int i = 0; i < minutiae; ++i) {
    biometrics::Minutia m;
    m.x = 10 + static_cast<int>(random() % 280);
    m.y = 10 + static_cast<int>(random() % 380);
    m.angle_rad = static_cast<float>(random() % 256) / 256.0f * 6.2831853f;
    m.type = i % 2 == 0 ? biometrics::MinutiaType::kEnding : biometrics::MinutiaType::kBifurcation;
    m.quality = static_cast<std::uint8_t>(40 + random() % 60);
    t.minutiae.push_back(m);
  }
  return t;
}

Bytes iso_record(int position, int minutiae = 20) {
  auto r = biometrics::encode_iso19794_2(synthetic_template(minutiae, position),
                                         {static_cast<std::uint8_t>(position), 0});
  EXPECT_TRUE(r.has_value());
  return r ? *r : Bytes{};
}

registry::FingerCapture capture(int position, bool enrolled) {
  registry::FingerCapture f;
  f.position = position;
  if (enrolled) {
    auto t = biometrics::encode_template(synthetic_template(12 + position, position));
    EXPECT_TRUE(t.has_value());
    if (t) f.template_bytes = *t;
    f.image = {1};  // present; its bytes do not matter here
  } else {
    f.missing_reason = "luka";
  }
  return f;
}

std::vector<registry::FingerCapture> ten_fingers_except(std::initializer_list<int> missing) {
  std::vector<registry::FingerCapture> out;
  for (int p = 1; p <= 10; ++p) out.push_back(capture(p, std::find(missing.begin(), missing.end(), p) == missing.end()));
  return out;
}

// A DG3 built by hand around one data block, for what encode_dg3 never writes.
Bytes hand_dg3(std::string_view header_hex, const Bytes& block, std::uint8_t count = 1) {
  const Bytes bit = encode_constructed(0x7F60, {bytes(header_hex), encode_tlv(0x5F2E, block)});
  const Bytes counted = {count};
  return encode_constructed(0x63, {encode_constructed(0x7F61, {encode_tlv(0x02, counted), bit})});
}
constexpr std::string_view kRightIndexHeader = "A1128002010181010882010987020101880200" "01";

// ---- subtypes ----

TEST(LdsBiometricTest, FingerSubtypesAreThoseOfIso7816_11) {
  EXPECT_EQ(finger_subtype(kRightThumb), 0x05);
  EXPECT_EQ(finger_subtype(kRightIndex), 0x09);
  EXPECT_EQ(finger_subtype(3), 0x0D);
  EXPECT_EQ(finger_subtype(4), 0x11);
  EXPECT_EQ(finger_subtype(5), 0x15);
  EXPECT_EQ(finger_subtype(kLeftThumb), 0x06);
  EXPECT_EQ(finger_subtype(kLeftIndex), 0x0A);
  EXPECT_EQ(finger_subtype(10), 0x16);
  EXPECT_EQ(finger_subtype(0), 0);
  EXPECT_EQ(finger_subtype(11), 0);
  for (int p = 1; p <= 10; ++p) EXPECT_EQ(finger_position_of_subtype(finger_subtype(p)), p);
  EXPECT_EQ(finger_position_of_subtype(0x00), 0);
  EXPECT_EQ(finger_position_of_subtype(0x01), 0);  // "right", no finger
  EXPECT_EQ(finger_position_of_subtype(0x0B), 0);  // right and left
  EXPECT_EQ(finger_position_of_subtype(0x19), 0);  // no such finger
}

// ---- DG2 ----

TEST(LdsBiometricTest, Dg2RoundTripsTheJpegInA19794_5Record) {
  const Bytes jpeg = jpeg_of(120, 160);
  ASSERT_LE(jpeg.size(), kFaceJpegBytesMax);
  auto dg2 = encode_dg2(jpeg, 120, 160);
  ASSERT_OK(dg2);
  EXPECT_EQ(dg2->front(), 0x75);
  EXPECT_LE(dg2->size(), kDataGroupBytesMax);
  // Count 1, then the header template: version 1.1, type face, owner SC 37, format 19794-5.
  EXPECT_TRUE(contains(*dg2, "020101"));
  EXPECT_TRUE(contains(*dg2, "A10F800201018101028702010188020008"));
  // The record header ("FAC\0" "010\0", length, one face) and the image information: full
  // frontal, JPEG, 120×160, RGB24, digital still camera, device and quality unspecified.
  const std::size_t record = 14 + 20 + 12 + jpeg.size();
  EXPECT_TRUE(contains(*dg2, "464143003031300000" + fmt::format("{:06X}", record) + "0001"));
  EXPECT_TRUE(contains(*dg2, "0100007800A001020000000" "0" + hex(std::span(jpeg).first(4))));

  auto face = parse_dg2(*dg2);
  ASSERT_OK(face);
  EXPECT_EQ(face->jpeg, jpeg);
  EXPECT_EQ(face->width, 120);
  EXPECT_EQ(face->height, 160);

  // A greyscale JPEG says so in the colour space.
  const Bytes grey = jpeg_of(64, 80, /*colour=*/false);
  auto grey_dg2 = encode_dg2(grey, 64, 80);
  ASSERT_OK(grey_dg2);
  EXPECT_TRUE(contains(*grey_dg2, "0100004000500302"));
  auto grey_face = parse_dg2(*grey_dg2);
  ASSERT_OK(grey_face);
  EXPECT_EQ(grey_face->jpeg, grey);
}

TEST(LdsBiometricTest, JpegFrameReadsTheSizeAndRefusesWhatIsNoJpeg) {
  auto frame = jpeg_frame(jpeg_of(33, 17));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->width, 33);
  EXPECT_EQ(frame->height, 17);
  EXPECT_EQ(frame->components, 3);
  EXPECT_FALSE(jpeg_frame(test::tiny_png()).has_value());
  EXPECT_FALSE(jpeg_frame(bytes("FFD8")).has_value());
  EXPECT_FALSE(jpeg_frame(bytes("FFD8FFE000104A464946")).has_value());  // cut inside a segment
  EXPECT_FALSE(jpeg_frame(bytes("FFD8FFD9")).has_value());              // ends before any frame
}

TEST(LdsBiometricTest, Dg2EncoderRefusesWhatIsNotASmallJpeg) {
  auto png = encode_dg2(test::tiny_png(), 4, 5);
  EXPECT_ERROR(png, ErrorCode::kInvalidArgument, "not a JPEG");
  EXPECT_EQ(reason_of(png), "lds_not_jpeg");
  auto wrong_size = encode_dg2(jpeg_of(120, 160), 160, 120);
  EXPECT_ERROR(wrong_size, ErrorCode::kInvalidArgument, "the JPEG is 120×160");
  EXPECT_EQ(reason_of(wrong_size), "lds_not_jpeg");
  const Bytes big = jpeg_of(300, 300, true, /*noise=*/true, 95);
  ASSERT_GT(big.size(), kFaceJpegBytesMax);
  auto oversize = encode_dg2(big, 300, 300);
  EXPECT_ERROR(oversize, ErrorCode::kResourceExhausted, "at most 32000");
  EXPECT_EQ(reason_of(oversize), "lds_too_large");
}

TEST(LdsBiometricTest, Dg2ParserRefusesHostileInput) {
  auto dg2 = encode_dg2(jpeg_of(120, 160), 120, 160);
  ASSERT_OK(dg2);
  const Bytes& good = *dg2;

  Bytes cut = good;
  cut.pop_back();
  auto truncated = parse_dg2(cut);
  EXPECT_ERROR(truncated, ErrorCode::kInvalidArgument, "are left");
  EXPECT_EQ(reason_of(truncated), "tlv_malformed");

  Bytes wrong_tag = good;
  wrong_tag[0] = 0x76;
  auto not_dg2 = parse_dg2(wrong_tag);
  EXPECT_ERROR(not_dg2, ErrorCode::kInvalidArgument, "not 75");
  EXPECT_EQ(reason_of(not_dg2), "lds_malformed");

  EXPECT_ERROR(parse_dg2(replaced(good, "020101", "020102")), ErrorCode::kInvalidArgument, "the count says 2");
  EXPECT_ERROR(parse_dg2(replaced(good, "810102", "810108")), ErrorCode::kInvalidArgument, "not 02 (face)");
  EXPECT_ERROR(parse_dg2(replaced(good, "88020008", "88020007")), ErrorCode::kInvalidArgument, "not 0101/0008");
  EXPECT_ERROR(parse_dg2(replaced(good, "80020101", "80020102")), ErrorCode::kInvalidArgument, "header version");
  EXPECT_ERROR(parse_dg2(replaced(good, "46414300", "46494E00")), ErrorCode::kInvalidArgument, "19794-5");
  EXPECT_ERROR(parse_dg2(replaced(good, "0001" "0000", "0000" "0000")), ErrorCode::kInvalidArgument, "no face");
  auto jpeg2000 = parse_dg2(replaced(good, "0100007800A0", "0101007800A0"));
  EXPECT_ERROR(jpeg2000, ErrorCode::kInvalidArgument, "image data type 1");
  EXPECT_EQ(reason_of(jpeg2000), "lds_not_jpeg");
  EXPECT_ERROR(parse_dg2(replaced(good, "0100007800A0", "0100007800A1")), ErrorCode::kInvalidArgument,
               "the JPEG is 120×160");
  // The JPEG's own SOI spoiled.
  const Bytes soi = bytes("0000" "0000" "FFD8");
  auto spoiled = good;
  auto it = std::search(spoiled.begin(), spoiled.end(), soi.begin(), soi.end());
  ASSERT_NE(it, spoiled.end());
  *(it + 5) = 0xD9;
  EXPECT_EQ(reason_of(parse_dg2(spoiled)), "lds_not_jpeg");

  // Nesting past the TLV reader's limit.
  Bytes deep = encode_tlv(0x80, bytes("00"));
  for (int i = 0; i < 12; ++i) deep = encode_constructed(0x7F61, {deep});
  deep = encode_constructed(0x75, {deep});
  auto too_deep = parse_dg2(deep);
  EXPECT_ERROR(too_deep, ErrorCode::kInvalidArgument, "nested deeper than 8");
  EXPECT_EQ(reason_of(too_deep), "tlv_malformed");

  // More than a chip file holds, and no 7F61 at all.
  const Bytes huge = encode_constructed(0x75, {encode_tlv(0x53, Bytes(kDataGroupBytesMax, 0))});
  EXPECT_EQ(reason_of(parse_dg2(huge)), "lds_too_large");
  EXPECT_ERROR(parse_dg2(encode_constructed(0x75, {encode_tlv(0x02, bytes("01"))})), ErrorCode::kInvalidArgument,
               "7F61");
  EXPECT_ERROR(parse_dg2(bytes("")), ErrorCode::kInvalidArgument, "");
}

// ---- which fingers ----

TEST(LdsBiometricTest, TheIndexFingersOrTheirSubstitutes) {
  auto chosen = [](std::vector<int> enrolled) { return chip_finger_positions(enrolled); };
  using V = std::vector<int>;
  EXPECT_EQ(chosen({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), (V{2, 7}));
  EXPECT_EQ(chosen({1, 3, 4, 5, 6, 7, 8, 9, 10}), (V{1, 7}));  // right index missing: right thumb
  EXPECT_EQ(chosen({3, 4, 5, 6, 7}), (V{3, 7}));               // and the thumb too: right middle
  EXPECT_EQ(chosen({5, 10}), (V{5, 10}));                      // little fingers only
  EXPECT_EQ(chosen({1, 2, 3, 6, 8}), (V{2, 6}));               // left index missing: left thumb
  EXPECT_EQ(chosen({6, 7, 8}), (V{6, 7}));                     // no right hand: the left's next
  EXPECT_EQ(chosen({9, 10}), (V{9, 10}));
  EXPECT_EQ(chosen({3, 4}), (V{3, 4}));                        // no left hand: right middle, ring
  EXPECT_EQ(chosen({9}), (V{9}));
  EXPECT_EQ(chosen({}), V{});
  EXPECT_EQ(chosen({0, 11, -1}), V{});
}

TEST(LdsBiometricTest, ChosenFingersCarryTheirRealPositions) {
  auto fingers = choose_chip_fingers(ten_fingers_except({2}));
  ASSERT_OK(fingers);
  ASSERT_EQ(fingers->size(), 2u);
  EXPECT_EQ((*fingers)[0].position, kRightThumb);
  EXPECT_EQ((*fingers)[1].position, kLeftIndex);
  for (const auto& f : *fingers) {
    auto t = biometrics::decode_iso19794_2(f.record);
    ASSERT_OK(t);
    EXPECT_EQ(t->minutiae.size(), static_cast<std::size_t>(12 + f.position));
    EXPECT_EQ(f.record[24], f.position);  // the record's own finger position
  }
  auto dg3 = encode_dg3(*fingers);
  ASSERT_OK(dg3);
  EXPECT_TRUE(contains(*dg3, "820105"));  // right thumb
  EXPECT_TRUE(contains(*dg3, "82010A"));  // left index
  EXPECT_FALSE(contains(*dg3, "820109"));

  auto none = choose_chip_fingers(ten_fingers_except({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  auto corrupt = ten_fingers_except({});
  corrupt[1].template_bytes.back() ^= 0xFF;  // position 2: its CRC no longer matches
  EXPECT_ERROR(choose_chip_fingers(corrupt), ErrorCode::kDataLoss, "finger 2");
}

// ---- DG3 ----

TEST(LdsBiometricTest, Dg3RoundTripsTheFingers) {
  const std::vector<ChipFinger> fingers = {{kRightIndex, iso_record(kRightIndex, 25)}, {kLeftIndex, iso_record(kLeftIndex, 31)}};
  auto dg3 = encode_dg3(fingers);
  ASSERT_OK(dg3);
  EXPECT_EQ(dg3->front(), 0x63);
  EXPECT_TRUE(contains(*dg3, "020102"));
  EXPECT_TRUE(contains(*dg3, kRightIndexHeader));
  EXPECT_TRUE(contains(*dg3, "A112800201018101088201" "0A" "87020101880200" "01"));
  auto back = parse_dg3(*dg3);
  ASSERT_OK(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].position, kRightIndex);
  EXPECT_EQ((*back)[1].position, kLeftIndex);
  EXPECT_EQ((*back)[0].record, fingers[0].record);
  EXPECT_EQ((*back)[1].record, fingers[1].record);
  EXPECT_EQ(biometrics::decode_iso19794_2((*back)[0].record)->minutiae.size(), 25u);
  EXPECT_EQ(biometrics::decode_iso19794_2((*back)[1].record)->minutiae.size(), 31u);
}

TEST(LdsBiometricTest, Dg3OfARealFingerprint) {
  auto enrolled = test::one_real_finger(kRightIndex, "101_1.tif");
  const auto& stored = enrolled[kRightIndex - 1].template_bytes;
  ASSERT_FALSE(stored.empty());
  auto original = biometrics::decode_template(stored);
  ASSERT_OK(original);
  ASSERT_GT(original->minutiae.size(), 10u);
  auto fingers = choose_chip_fingers(enrolled);
  ASSERT_OK(fingers);
  ASSERT_EQ(fingers->size(), 1u);  // the only finger enrolled
  auto dg3 = encode_dg3(*fingers);
  ASSERT_OK(dg3);
  auto back = parse_dg3(*dg3);
  ASSERT_OK(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front().position, kRightIndex);
  auto decoded = biometrics::decode_iso19794_2(back->front().record);
  ASSERT_OK(decoded);
  ASSERT_EQ(decoded->minutiae.size(), original->minutiae.size());
  for (std::size_t i = 0; i < decoded->minutiae.size(); ++i) {
    EXPECT_EQ(decoded->minutiae[i].x, original->minutiae[i].x);
    EXPECT_EQ(decoded->minutiae[i].y, original->minutiae[i].y);
    EXPECT_EQ(decoded->minutiae[i].type, original->minutiae[i].type);
  }
}

TEST(LdsBiometricTest, Dg3EncoderRefusesBadFingers) {
  EXPECT_ERROR(encode_dg3(std::vector<ChipFinger>{}), ErrorCode::kInvalidArgument, "0 fingers");
  EXPECT_ERROR(encode_dg3(std::vector<ChipFinger>{{11, iso_record(2)}}), ErrorCode::kInvalidArgument, "1..10");
  EXPECT_ERROR(encode_dg3(std::vector<ChipFinger>{{2, iso_record(2)}, {2, iso_record(2)}}), ErrorCode::kInvalidArgument,
               "twice");
  auto garbage = encode_dg3(std::vector<ChipFinger>{{2, bytes("46495200")}});
  EXPECT_ERROR(garbage, ErrorCode::kInvalidArgument, "DG3 finger 1 (position 2): not an ISO/IEC 19794-2 record");
  EXPECT_EQ(reason_of(garbage), "lds_bad_finger_record");
  auto other_finger = encode_dg3(std::vector<ChipFinger>{{2, iso_record(1)}});
  EXPECT_ERROR(other_finger, ErrorCode::kInvalidArgument, "names finger 1");
  EXPECT_EQ(reason_of(other_finger), "lds_bad_finger_record");
}

TEST(LdsBiometricTest, Dg3ParserRefusesHostileInput) {
  const Bytes record = iso_record(kRightIndex);
  ASSERT_OK(parse_dg3(hand_dg3(kRightIndexHeader, record)));  // the hand-made DG3 itself is fine

  // The data block is not 19794-2: another magic, a cut record, random bytes.
  Bytes fir = record;
  fir[2] = 'X';
  auto not_iso = parse_dg3(hand_dg3(kRightIndexHeader, fir));
  EXPECT_ERROR(not_iso, ErrorCode::kInvalidArgument, "DG3 finger 1: not an ISO/IEC 19794-2 record");
  EXPECT_EQ(reason_of(not_iso), "lds_bad_finger_record");
  EXPECT_EQ(reason_of(parse_dg3(hand_dg3(kRightIndexHeader, Bytes(record.begin(), record.end() - 3)))),
            "lds_bad_finger_record");
  EXPECT_EQ(reason_of(parse_dg3(hand_dg3(kRightIndexHeader, bytes("00112233445566778899")))), "lds_bad_finger_record");
  // The subtype says right index, the record right thumb.
  auto mismatch = parse_dg3(hand_dg3(kRightIndexHeader, iso_record(kRightThumb)));
  EXPECT_ERROR(mismatch, ErrorCode::kInvalidArgument, "says finger 2, the record finger 1");
  EXPECT_EQ(reason_of(mismatch), "lds_bad_finger_record");

  EXPECT_ERROR(parse_dg3(hand_dg3(kRightIndexHeader, record, 2)), ErrorCode::kInvalidArgument, "the count says 2");
  EXPECT_ERROR(parse_dg3(hand_dg3("A1128002010181010282010987020101880200" "01", record)), ErrorCode::kInvalidArgument,
               "not 08 (fingerprint)");
  EXPECT_ERROR(parse_dg3(hand_dg3("A1128002010181010882010187020101880200" "01", record)), ErrorCode::kInvalidArgument,
               "subtype 01 names no single finger");
  EXPECT_ERROR(parse_dg3(hand_dg3("A10F80020101810108870201018802000" "1", record)), ErrorCode::kInvalidArgument,
               "no biometric subtype");
  EXPECT_ERROR(parse_dg3(hand_dg3("A1128002010181010882010987020101880200" "08", record)), ErrorCode::kInvalidArgument,
               "19794-2 minutiae");
  // 0002, the record with extended data, is read too.
  EXPECT_OK(parse_dg3(hand_dg3("A1128002010181010882010987020101880200" "02", record)));

  auto dg3 = encode_dg3(std::vector<ChipFinger>{{kRightIndex, record}});
  ASSERT_OK(dg3);
  Bytes cut = *dg3;
  cut.resize(cut.size() - 10);
  EXPECT_EQ(reason_of(parse_dg3(cut)), "tlv_malformed");
  Bytes wrong = *dg3;
  wrong[0] = 0x75;
  EXPECT_ERROR(parse_dg3(wrong), ErrorCode::kInvalidArgument, "not 63");
  // Two templates naming the same finger.
  const Bytes bit = encode_constructed(0x7F60, {bytes(kRightIndexHeader), encode_tlv(0x5F2E, record)});
  const Bytes twice = encode_constructed(0x63, {encode_constructed(0x7F61, {encode_tlv(0x02, bytes("02")), bit, bit})});
  EXPECT_ERROR(parse_dg3(twice), ErrorCode::kInvalidArgument, "listed twice");
  // A template with no data block.
  const Bytes empty_bit = encode_constructed(0x7F60, {bytes(kRightIndexHeader)});
  EXPECT_ERROR(parse_dg3(encode_constructed(0x63, {encode_constructed(0x7F61, {encode_tlv(0x02, bytes("01")), empty_bit})})),
               ErrorCode::kInvalidArgument, "no biometric data block 5F2E");
}

// ---- DG7 ----

TEST(LdsBiometricTest, Dg7CarriesTheSignaturePng) {
  const Bytes& png = test::tiny_png();
  auto dg7 = encode_dg7(png);
  ASSERT_OK(dg7);
  EXPECT_EQ(hex(std::span(*dg7).first(4)), fmt::format("67{:02X}0201", dg7->size() - 2));
  EXPECT_TRUE(contains(*dg7, fmt::format("5F43{:02X}89504E47", png.size())));
  auto back = parse_dg7(*dg7);
  ASSERT_OK(back);
  EXPECT_EQ(*back, png);

  auto jpeg = encode_dg7(jpeg_of(20, 10));
  EXPECT_ERROR(jpeg, ErrorCode::kInvalidArgument, "not a PNG");
  EXPECT_EQ(reason_of(jpeg), "lds_not_png");
  Bytes big = png;
  big.resize(kSignatureImageBytesMax + 1, 0);
  auto oversize = encode_dg7(big);
  EXPECT_ERROR(oversize, ErrorCode::kResourceExhausted, "at most 16000");
  EXPECT_EQ(reason_of(oversize), "lds_too_large");

  EXPECT_ERROR(parse_dg7(replaced(*dg7, "020101", "020102")), ErrorCode::kInvalidArgument, "the count says 2");
  EXPECT_ERROR(parse_dg7(encode_constructed(0x67, {encode_tlv(0x02, bytes("01"))})), ErrorCode::kInvalidArgument,
               "there are 0 images");
  EXPECT_ERROR(parse_dg7(encode_constructed(0x67, {encode_tlv(0x5F43, png)})), ErrorCode::kInvalidArgument, "count 02");
  EXPECT_EQ(reason_of(parse_dg7(encode_constructed(0x67, {encode_tlv(0x02, bytes("01")), encode_tlv(0x5F43, jpeg_of(8, 8))}))),
            "lds_not_png");
  Bytes wrong = *dg7;
  wrong[0] = 0x63;
  EXPECT_ERROR(parse_dg7(wrong), ErrorCode::kInvalidArgument, "not 67");
  Bytes cut = *dg7;
  cut.pop_back();
  EXPECT_EQ(reason_of(parse_dg7(cut)), "tlv_malformed");
}

}  // namespace
}  // namespace ektp::card
