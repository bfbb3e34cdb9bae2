// The e-KTP chip's biometric data groups (ICAO 9303 Part 10, LDS1): DG2 the face, DG3 the
// fingerprints, DG7 the signature image; and which two fingers the chip carries. Pure: no I/O
// (lds_biometric_source.h loads them from the registry). Reading is bounded (ber_tlv.h) and
// treats its input as hostile: every tag, count, length and nested record is checked.
//
// Layout (Part 10 §4.7, ISO/IEC 7816-11 biometric information templates):
//   DG2 75 { 7F61 { 02 count=1, 7F60 { A1 { 80 01 01, 81 02, 87 01 01, 88 00 08 }, 5F2E face } } }
//   DG3 63 { 7F61 { 02 count=n, n × 7F60 { A1 { 80 01 01, 81 08, 82 subtype, 87 01 01,
//                                            88 00 01 }, 5F2E finger minutiae record } } }
//   DG7 67 { 02 count=1, 5F43 signature image }
// - 80 is the ICAO header version 1.1; 81 the CBEFF biometric type (02 facial features, 08
//   fingerprint); 87 the format owner ISO/IEC JTC 1 SC 37 (0101); 88 its format type.
// - 82 (DG3 only), the ISO/IEC 7816-11 / CBEFF biometric subtype: bit 1 right, bit 2 left, bits
//   3–5 the finger (1 thumb, 2 index, 3 middle, 4 ring, 5 little): right index 09, left index 0A,
//   right thumb 05, left thumb 06 … (finger_subtype()).
// - DG2's data block is an ISO/IEC 19794-5:2005 facial record holding one JPEG: record header
//   "FAC\0" "010\0", record length (4), number of faces (2); facial information (block length
//   (4), feature points 0 (2), gender, eye colour, hair colour (1 each, 0 unspecified), feature
//   mask (3), expression (2), pose angle (3), pose angle uncertainty (3), all 0 unspecified);
//   image information (face image type 1 full frontal, image data type 0 JPEG, width (2),
//   height (2), colour space (1 RGB24 or 3 greyscale by the JPEG's frame header, else 0), source type
//   2 digital still camera, device type (2) 0, quality (2) 0 unspecified); then the JPEG. The
//   width and height must be the JPEG's own.
// - DG3's format type 0001 is the 19794-2 finger minutiae record without extended data (what
//   biometrics/iso19794.h writes); 0002, the record with extended data, is accepted when reading.
//   Each record's finger position is the finger's real position, also when it stands in for a
//   missing index finger (the subtype says the same finger).
// - DG7 carries the signature as we store it, a PNG. ICAO names JPEG and JPEG 2000 for 5F43
//   (Part 10 DG7); PNG is our choice (lossless for line art and small), so readers that only
//   decode JPEG will not show it.
// - Sizes: the chip's READ BINARY takes 15-bit offsets, so a data group holds at most 32767
//   bytes (kDataGroupBytesMax); the face JPEG and the signature image have their own limits
//   below it, leaving room for the headers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "registry/enrollment_store.h"

namespace ektp::card {

inline constexpr std::size_t kDataGroupBytesMax = 32767;     // 15-bit READ BINARY offsets
inline constexpr std::size_t kFaceJpegBytesMax = 32000;      // DG2's JPEG; the headers fit in the rest
inline constexpr std::size_t kSignatureImageBytesMax = 16000;
inline constexpr std::size_t kChipFingersMax = 10;           // what a DG3 may list (we write two)

namespace lds_reason {
inline constexpr std::string_view kMalformed = "lds_malformed";
inline constexpr std::string_view kNotJpeg = "lds_not_jpeg";
inline constexpr std::string_view kNotPng = "lds_not_png";
inline constexpr std::string_view kTooLarge = "lds_too_large";
inline constexpr std::string_view kBadFingerRecord = "lds_bad_finger_record";
}  // namespace lds_reason

namespace cbeff {
inline constexpr std::uint16_t kIcaoHeaderVersion = 0x0101;
inline constexpr std::uint8_t kTypeFace = 0x02;
inline constexpr std::uint8_t kTypeFinger = 0x08;
inline constexpr std::uint16_t kFormatOwnerSc37 = 0x0101;
inline constexpr std::uint16_t kFormatFaceImage = 0x0008;                // ISO/IEC 19794-5
inline constexpr std::uint16_t kFormatFingerMinutiae = 0x0001;           // 19794-2, no extended data
inline constexpr std::uint16_t kFormatFingerMinutiaeExtended = 0x0002;   // 19794-2 with extended data
}  // namespace cbeff

// ISO/IEC 19794 finger positions.
inline constexpr int kRightThumb = 1;
inline constexpr int kRightIndex = 2;
inline constexpr int kLeftThumb = 6;
inline constexpr int kLeftIndex = 7;

// The 7816-11 biometric subtype of finger position 1..10 (right index 09); 0 for another.
std::uint8_t finger_subtype(int position);
// The finger position of a subtype; 0 when it names no single finger.
int finger_position_of_subtype(std::uint8_t subtype);

// ---- DG2 ----

struct FaceImage {
  std::vector<std::uint8_t> jpeg;
  int width = 0;
  int height = 0;
};

// What a JPEG's frame header (SOFn) says; nullopt when `bytes` is no JPEG (SOI FF D8) with one.
struct JpegFrame {
  int width = 0;
  int height = 0;
  int components = 0;  // 1 greyscale, 3 colour
};
std::optional<JpegFrame> jpeg_frame(std::span<const std::uint8_t> jpeg);

// kInvalidArgument lds_not_jpeg (no SOI or frame header, or a width/height other than the
// JPEG's), kResourceExhausted lds_too_large (over kFaceJpegBytesMax).
Result<std::vector<std::uint8_t>> encode_dg2(std::span<const std::uint8_t> jpeg, int width, int height);
// The first face. kInvalidArgument lds_malformed (tags, counts, header template, record header,
// lengths), lds_not_jpeg (image data type or bytes), kResourceExhausted lds_too_large.
Result<FaceImage> parse_dg2(std::span<const std::uint8_t> bytes);

// ---- DG3 ----

struct ChipFinger {
  int position = 0;                  // ISO/IEC 19794-2 finger position 1..10
  std::vector<std::uint8_t> record;  // an ISO/IEC 19794-2 finger minutiae record of that finger
};

// Which enrolled fingers the chip carries: the right index (2) and the left index (7); for a
// missing one the same hand's thumb, middle, ring, little finger, the first enrolled; for a hand
// with none, the other hand's next finger in that order. Ascending positions; at most two, fewer
// when fewer are enrolled. Positions outside 1..10 are ignored.
std::vector<int> chip_finger_positions(std::span<const int> enrolled);

// The chosen fingers (chip_finger_positions over the fingers that have a template) as 19794-2
// records with their real positions. kDataLoss naming the finger for a stored template that does
// not decode; an empty list when no finger has a template.
Result<std::vector<ChipFinger>> choose_chip_fingers(std::span<const registry::FingerCapture> fingers);

// kInvalidArgument: no finger or more than kChipFingersMax, a position outside 1..10 or twice,
// lds_bad_finger_record for a record that is not valid 19794-2 or names another finger;
// kResourceExhausted lds_too_large over kDataGroupBytesMax.
Result<std::vector<std::uint8_t>> encode_dg3(std::span<const ChipFinger> fingers);
// Every record is checked with decode_iso19794_2. kInvalidArgument lds_malformed (tags, count,
// header template, subtype, positions), lds_bad_finger_record (a data block that is not 19794-2
// or whose finger position is not the subtype's); kResourceExhausted lds_too_large.
Result<std::vector<ChipFinger>> parse_dg3(std::span<const std::uint8_t> bytes);

// ---- DG7 ----

// kInvalidArgument lds_not_png, kResourceExhausted lds_too_large (over kSignatureImageBytesMax).
Result<std::vector<std::uint8_t>> encode_dg7(std::span<const std::uint8_t> png);
// The signature PNG. kInvalidArgument lds_malformed, lds_not_png; kResourceExhausted lds_too_large.
Result<std::vector<std::uint8_t>> parse_dg7(std::span<const std::uint8_t> bytes);

}  // namespace ektp::card
