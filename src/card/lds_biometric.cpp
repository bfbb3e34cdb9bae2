#include "card/lds_biometric.h"

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>

#include "biometrics/iso19794.h"
#include "biometrics/template_format.h"
#include "card/ber_tlv.h"
#include "card/lds_files.h"

namespace ektp::card {

namespace {

constexpr std::uint32_t kGroupTemplateTag = 0x7F61;   // biometric information group template
constexpr std::uint32_t kInfoTemplateTag = 0x7F60;    // biometric information template
constexpr std::uint32_t kHeaderTemplateTag = 0xA1;    // biometric header template
constexpr std::uint32_t kCountTag = 0x02;
constexpr std::uint32_t kDataBlockTag = 0x5F2E;
constexpr std::uint32_t kDataBlockConstructedTag = 0x7F2E;
constexpr std::uint32_t kSignatureTag = 0x5F43;

// ISO/IEC 19794-5:2005 facial record.
constexpr std::array<std::uint8_t, 4> kFaceFormat = {'F', 'A', 'C', 0};
constexpr std::array<std::uint8_t, 4> kFaceVersion = {'0', '1', '0', 0};
constexpr std::size_t kFaceRecordHeaderBytes = 14;  // format, version, record length, faces
constexpr std::size_t kFacialInfoBytes = 20;        // block length … pose angle uncertainty
constexpr std::size_t kFeaturePointBytes = 8;
constexpr std::size_t kImageInfoBytes = 12;
constexpr std::uint8_t kFullFrontal = 1;
constexpr std::uint8_t kImageDataJpeg = 0;
constexpr std::uint8_t kColourRgb24 = 1;
constexpr std::uint8_t kColourGrey8 = 3;
constexpr std::uint8_t kColourUnspecified = 0;
constexpr std::uint8_t kSourceDigitalStillCamera = 2;

// ISO/IEC 19794-2: the first view's finger position follows the 24-byte record header.
constexpr std::size_t kIsoFingerPositionOffset = 24;

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

// 7816-11 subtype bits: 01 right, 02 left; the finger in bits 3–5.
constexpr std::uint8_t kSubtypeRight = 0x01;
constexpr std::uint8_t kSubtypeLeft = 0x02;
constexpr std::array<std::uint8_t, 5> kSubtypeFinger = {0x04, 0x08, 0x0C, 0x10, 0x14};  // thumb … little

// The order in which a hand's fingers stand in for its index finger.
constexpr std::array<int, 5> kRightOrder = {2, 1, 3, 4, 5};
constexpr std::array<int, 5> kLeftOrder = {7, 6, 8, 9, 10};

std::unexpected<Error> malformed(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, std::string(lds_reason::kMalformed), std::move(what));
}
std::unexpected<Error> not_jpeg(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, std::string(lds_reason::kNotJpeg), std::move(what));
}
std::unexpected<Error> not_png(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, std::string(lds_reason::kNotPng), std::move(what));
}
std::unexpected<Error> too_large(std::string what) {
  return refusal(ErrorCode::kResourceExhausted, std::string(lds_reason::kTooLarge), std::move(what));
}
std::unexpected<Error> bad_finger(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, std::string(lds_reason::kBadFingerRecord), std::move(what));
}

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}
std::uint32_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 8) | b[at + 1];
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) { return (get16(b, at) << 16) | get16(b, at + 2); }

std::array<std::uint8_t, 2> be16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

std::uint32_t value_of(const Tlv& t) {
  std::uint32_t v = 0;
  for (auto b : t.value) v = (v << 8) | b;
  return v;
}

bool is_png(std::span<const std::uint8_t> bytes) {
  return bytes.size() > kPngSignature.size() && std::equal(kPngSignature.begin(), kPngSignature.end(), bytes.begin());
}

// A data group's outer object: the size limit, then one TLV with `tag`.
Result<Tlv> data_group(std::span<const std::uint8_t> bytes, int group) {
  if (bytes.size() > kDataGroupBytesMax) {
    return too_large(fmt::format("DG{}: {} bytes, a data group holds at most {}", group, bytes.size(), kDataGroupBytesMax));
  }
  EKTP_ASSIGN_OR_RETURN(auto tlv, parse_tlv(bytes));
  if (tlv.tag != data_group_tag(group)) {
    return malformed(fmt::format("DG{}: tag {:X}, not {:02X}", group, tlv.tag, data_group_tag(group)));
  }
  return tlv;
}

Result<std::vector<std::uint8_t>> finished(std::vector<std::uint8_t> dg, int group) {
  if (dg.size() > kDataGroupBytesMax) {
    return too_large(fmt::format("DG{}: {} bytes, a data group holds at most {}", group, dg.size(), kDataGroupBytesMax));
  }
  return dg;
}

// The biometric information templates of a DG2/DG3: its one 7F61, whose count 02 says how many
// 7F60 follow.
Result<std::vector<const Tlv*>> information_templates(const Tlv& dg, int group) {
  if (dg.children.size() != 1 || dg.children.front().tag != kGroupTemplateTag) {
    return malformed(fmt::format("DG{}: one biometric information group template 7F61 expected", group));
  }
  const Tlv& bigt = dg.children.front();
  const Tlv* count = bigt.find(kCountTag);
  if (count == nullptr || count->value.size() != 1) return malformed(fmt::format("DG{}: 7F61 has no one-byte count 02", group));
  std::vector<const Tlv*> out;
  for (const Tlv& c : bigt.children) {
    if (c.tag == kInfoTemplateTag) {
      out.push_back(&c);
    } else if (&c != count) {
      return malformed(fmt::format("DG{}: 7F61 holds an unexpected tag {:X}", group, c.tag));
    }
  }
  if (count->value[0] != out.size()) {
    return malformed(fmt::format("DG{}: the count says {}, there are {} templates 7F60", group, count->value[0], out.size()));
  }
  if (out.empty()) return malformed(fmt::format("DG{}: no biometric information template 7F60", group));
  return out;
}

struct Header {
  std::uint32_t type = 0;
  std::optional<std::uint8_t> subtype;
  std::uint16_t owner = 0;
  std::uint16_t format = 0;
};

// A 7F60's header template A1 and its data block 5F2E.
Result<Header> header_of(const Tlv& bit, std::string_view where) {
  const Tlv* bht = bit.find(kHeaderTemplateTag);
  if (bht == nullptr) return malformed(fmt::format("{}: no biometric header template A1", where));
  const Tlv* version = bht->find(0x80);
  const Tlv* type = bht->find(0x81);
  const Tlv* subtype = bht->find(0x82);
  const Tlv* owner = bht->find(0x87);
  const Tlv* format = bht->find(0x88);
  if (version == nullptr || version->value.size() != 2 || value_of(*version) != cbeff::kIcaoHeaderVersion) {
    return malformed(fmt::format("{}: the header version 80 is not 01 01", where));
  }
  if (type == nullptr || type->value.empty() || type->value.size() > 3) {
    return malformed(fmt::format("{}: no biometric type 81 of one to three bytes", where));
  }
  if (subtype != nullptr && subtype->value.size() != 1) return malformed(fmt::format("{}: the subtype 82 is one byte", where));
  if (owner == nullptr || owner->value.size() != 2 || format == nullptr || format->value.size() != 2) {
    return malformed(fmt::format("{}: the format owner 87 and format type 88 are two bytes each", where));
  }
  Header h;
  h.type = value_of(*type);
  if (subtype != nullptr) h.subtype = subtype->value[0];
  h.owner = static_cast<std::uint16_t>(value_of(*owner));
  h.format = static_cast<std::uint16_t>(value_of(*format));
  return h;
}

Result<const Tlv*> data_block_of(const Tlv& bit, std::string_view where) {
  if (bit.find(kDataBlockConstructedTag) != nullptr) {
    return malformed(fmt::format("{}: a constructed data block 7F2E (enciphered data) is not supported", where));
  }
  const Tlv* block = bit.find(kDataBlockTag);
  if (block == nullptr) return malformed(fmt::format("{}: no biometric data block 5F2E", where));
  return block;
}

std::vector<std::uint8_t> header_template(std::uint8_t type, std::optional<std::uint8_t> subtype, std::uint16_t format) {
  const std::array<std::uint8_t, 1> type_byte = {type};
  std::vector<std::vector<std::uint8_t>> items = {encode_tlv(0x80, be16(cbeff::kIcaoHeaderVersion)),
                                                  encode_tlv(0x81, type_byte)};
  if (subtype) {
    const std::array<std::uint8_t, 1> sub = {*subtype};
    items.push_back(encode_tlv(0x82, sub));
  }
  items.push_back(encode_tlv(0x87, be16(cbeff::kFormatOwnerSc37)));
  items.push_back(encode_tlv(0x88, be16(format)));
  return encode_constructed(kHeaderTemplateTag, items);
}

std::vector<std::uint8_t> group_template(const std::vector<std::vector<std::uint8_t>>& templates) {
  const std::array<std::uint8_t, 1> count = {static_cast<std::uint8_t>(templates.size())};
  std::vector<std::vector<std::uint8_t>> items = {encode_tlv(kCountTag, count)};
  items.insert(items.end(), templates.begin(), templates.end());
  return encode_constructed(kGroupTemplateTag, items);
}

// The 19794-5 record around one JPEG.
std::vector<std::uint8_t> face_record(std::span<const std::uint8_t> jpeg, const JpegFrame& frame) {
  const std::size_t block = kFacialInfoBytes + kImageInfoBytes + jpeg.size();
  std::vector<std::uint8_t> r(kFaceFormat.begin(), kFaceFormat.end());
  r.insert(r.end(), kFaceVersion.begin(), kFaceVersion.end());
  put32(r, static_cast<std::uint32_t>(kFaceRecordHeaderBytes + block));
  put16(r, 1);  // one face
  // Facial information: no feature points; gender, eye and hair colour, features, expression and
  // pose all unspecified (0).
  put32(r, static_cast<std::uint32_t>(block));
  put16(r, 0);                       // feature points
  r.insert(r.end(), {0, 0, 0});      // gender, eye colour, hair colour
  r.insert(r.end(), {0, 0, 0});      // feature mask
  put16(r, 0);                       // expression
  r.insert(r.end(), {0, 0, 0});      // pose angle yaw, pitch, roll
  r.insert(r.end(), {0, 0, 0});      // pose angle uncertainty
  // Image information.
  r.push_back(kFullFrontal);
  r.push_back(kImageDataJpeg);
  put16(r, static_cast<std::uint32_t>(frame.width));
  put16(r, static_cast<std::uint32_t>(frame.height));
  r.push_back(frame.components == 1 ? kColourGrey8 : frame.components == 3 ? kColourRgb24 : kColourUnspecified);
  r.push_back(kSourceDigitalStillCamera);
  put16(r, 0);  // device type unspecified
  put16(r, 0);  // quality unspecified
  r.insert(r.end(), jpeg.begin(), jpeg.end());
  return r;
}

Result<FaceImage> parse_face_record(std::span<const std::uint8_t> r) {
  if (r.size() < kFaceRecordHeaderBytes + kFacialInfoBytes + kImageInfoBytes) {
    return malformed(fmt::format("DG2: a facial record of {} bytes is cut short", r.size()));
  }
  if (!std::equal(kFaceFormat.begin(), kFaceFormat.end(), r.begin()) ||
      !std::equal(kFaceVersion.begin(), kFaceVersion.end(), r.begin() + 4)) {
    return malformed("DG2: the data block is not an ISO/IEC 19794-5 facial record (\"FAC\\0\" \"010\\0\")");
  }
  if (get32(r, 8) != r.size()) {
    return malformed(fmt::format("DG2: the facial record says {} bytes, the data block holds {}", get32(r, 8), r.size()));
  }
  const std::uint32_t faces = get16(r, 12);
  if (faces == 0) return malformed("DG2: the facial record holds no face");
  const std::size_t at = kFaceRecordHeaderBytes;
  const std::size_t block = get32(r, at);
  const std::size_t points = get16(r, at + 4);
  const std::size_t fixed = kFacialInfoBytes + points * kFeaturePointBytes + kImageInfoBytes;
  if (block < fixed || block > r.size() - at || (faces == 1 && block != r.size() - at)) {
    return malformed(fmt::format("DG2: a facial block of {} bytes does not fit the record", block));
  }
  const std::size_t info = at + kFacialInfoBytes + points * kFeaturePointBytes;
  if (r[info + 1] != kImageDataJpeg) {
    return not_jpeg(fmt::format("DG2: image data type {}, only JPEG (0) is read", r[info + 1]));
  }
  FaceImage face;
  face.width = static_cast<int>(get16(r, info + 2));
  face.height = static_cast<int>(get16(r, info + 4));
  const auto image = r.subspan(info + kImageInfoBytes, block - fixed);
  if (image.size() > kFaceJpegBytesMax) {
    return too_large(fmt::format("DG2: a JPEG of {} bytes, at most {}", image.size(), kFaceJpegBytesMax));
  }
  const auto frame = jpeg_frame(image);
  if (!frame) return not_jpeg("DG2: the image is not a JPEG");
  if (frame->width != face.width || frame->height != face.height) {
    return malformed(fmt::format("DG2: the record says {}×{}, the JPEG is {}×{}", face.width, face.height, frame->width,
                                 frame->height));
  }
  face.jpeg.assign(image.begin(), image.end());
  return face;
}

// Checks one finger's record and answers the position it names.
Result<int> record_position(std::span<const std::uint8_t> record, std::string_view where) {
  auto decoded = biometrics::decode_iso19794_2(record);
  if (!decoded) return bad_finger(fmt::format("{}: not an ISO/IEC 19794-2 record: {}", where, decoded.error().message));
  return static_cast<int>(record[kIsoFingerPositionOffset]);  // decode checked the record is longer
}

}  // namespace

std::uint8_t finger_subtype(int position) {
  if (position < 1 || position > 10) return 0;
  const bool right = position <= 5;
  const auto finger = static_cast<std::size_t>(right ? position - 1 : position - 6);
  return static_cast<std::uint8_t>((right ? kSubtypeRight : kSubtypeLeft) | kSubtypeFinger[finger]);
}

int finger_position_of_subtype(std::uint8_t subtype) {
  for (int p = 1; p <= 10; ++p) {
    if (finger_subtype(p) == subtype) return p;
  }
  return 0;
}

std::optional<JpegFrame> jpeg_frame(std::span<const std::uint8_t> b) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return std::nullopt;
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (b[at] != 0xFF) return std::nullopt;
    const std::uint8_t marker = b[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a segment
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // image end or scan before a frame
    const std::size_t length = get16(b, at + 2);
    if (length < 2 || length > b.size() - at - 2) return std::nullopt;
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (length < 8) return std::nullopt;
      JpegFrame f;
      f.height = static_cast<int>(get16(b, at + 5));
      f.width = static_cast<int>(get16(b, at + 7));
      f.components = b[at + 9];
      if (f.width == 0 || f.height == 0 || f.components == 0) return std::nullopt;
      return f;
    }
    at += 2 + length;
  }
  return std::nullopt;
}

Result<std::vector<std::uint8_t>> encode_dg2(std::span<const std::uint8_t> jpeg, int width, int height) {
  const auto frame = jpeg_frame(jpeg);
  if (!frame) return not_jpeg("DG2: the photo is not a JPEG (SOI FF D8 and a frame header)");
  if (jpeg.size() > kFaceJpegBytesMax) {
    return too_large(fmt::format("DG2: a JPEG of {} bytes, at most {}", jpeg.size(), kFaceJpegBytesMax));
  }
  if (frame->width != width || frame->height != height) {
    return not_jpeg(fmt::format("DG2: the photo is given as {}×{}, the JPEG is {}×{}", width, height, frame->width,
                                frame->height));
  }
  const auto bit = encode_constructed(
      kInfoTemplateTag, {header_template(cbeff::kTypeFace, std::nullopt, cbeff::kFormatFaceImage),
                         encode_tlv(kDataBlockTag, face_record(jpeg, *frame))});
  return finished(encode_constructed(data_group_tag(2), {group_template({bit})}), 2);
}

Result<FaceImage> parse_dg2(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto dg, data_group(bytes, 2));
  EKTP_ASSIGN_OR_RETURN(auto templates, information_templates(dg, 2));
  const Tlv& bit = *templates.front();
  EKTP_ASSIGN_OR_RETURN(auto header, header_of(bit, "DG2"));
  if (header.type != cbeff::kTypeFace) return malformed(fmt::format("DG2: biometric type {:02X}, not 02 (face)", header.type));
  if (header.owner != cbeff::kFormatOwnerSc37 || header.format != cbeff::kFormatFaceImage) {
    return malformed(fmt::format("DG2: format {:04X}/{:04X}, not 0101/0008 (ISO/IEC 19794-5)", header.owner, header.format));
  }
  EKTP_ASSIGN_OR_RETURN(const Tlv* block, data_block_of(bit, "DG2"));
  return parse_face_record(block->value);
}

std::vector<int> chip_finger_positions(std::span<const int> enrolled) {
  auto have = [&](int p) { return std::ranges::find(enrolled, p) != enrolled.end(); };
  auto first_of = [&](const std::array<int, 5>& order, int besides) {
    for (int p : order) {
      if (p != besides && have(p)) return p;
    }
    return 0;
  };
  int right = first_of(kRightOrder, 0);
  int left = first_of(kLeftOrder, 0);
  if (right == 0) right = first_of(kLeftOrder, left);  // a right hand with none: the left's next
  if (left == 0) left = first_of(kRightOrder, right);
  std::vector<int> out;
  for (int p : {right, left}) {
    if (p != 0) out.push_back(p);
  }
  std::ranges::sort(out);
  return out;
}

Result<std::vector<ChipFinger>> choose_chip_fingers(std::span<const registry::FingerCapture> fingers) {
  std::vector<int> enrolled;
  for (const auto& f : fingers) {
    if (!f.template_bytes.empty() && f.position >= 1 && f.position <= 10) enrolled.push_back(f.position);
  }
  std::vector<ChipFinger> out;
  for (int position : chip_finger_positions(enrolled)) {
    const auto it = std::ranges::find_if(
        fingers, [&](const registry::FingerCapture& f) { return f.position == position && !f.template_bytes.empty(); });
    auto t = biometrics::decode_template(it->template_bytes);
    if (!t) {
      return make_error(ErrorCode::kDataLoss,
                        fmt::format("finger {}: the stored template does not decode: {}", position, t.error().message));
    }
    auto record = biometrics::encode_iso19794_2(*t, {static_cast<std::uint8_t>(position), 0});
    if (!record) {
      return make_error(record.error().code, fmt::format("finger {}: no ISO/IEC 19794-2 record: {}", position,
                                                         record.error().message));
    }
    out.push_back({position, std::move(*record)});
  }
  return out;
}

Result<std::vector<std::uint8_t>> encode_dg3(std::span<const ChipFinger> fingers) {
  if (fingers.empty() || fingers.size() > kChipFingersMax) {
    return invalid_argument(fmt::format("DG3: {} fingers, 1 to {}", fingers.size(), kChipFingersMax));
  }
  std::vector<std::vector<std::uint8_t>> templates;
  std::vector<int> seen;
  for (std::size_t i = 0; i < fingers.size(); ++i) {
    const ChipFinger& f = fingers[i];
    const std::string where = fmt::format("DG3 finger {} (position {})", i + 1, f.position);
    const std::uint8_t subtype = finger_subtype(f.position);
    if (subtype == 0) return invalid_argument(fmt::format("{}: a finger position is 1..10", where));
    if (std::ranges::find(seen, f.position) != seen.end()) return invalid_argument(fmt::format("{}: listed twice", where));
    seen.push_back(f.position);
    EKTP_ASSIGN_OR_RETURN(const int named, record_position(f.record, where));
    if (named != f.position) return bad_finger(fmt::format("{}: the record names finger {}", where, named));
    templates.push_back(encode_constructed(
        kInfoTemplateTag,
        {header_template(cbeff::kTypeFinger, subtype, cbeff::kFormatFingerMinutiae), encode_tlv(kDataBlockTag, f.record)}));
  }
  return finished(encode_constructed(data_group_tag(3), {group_template(templates)}), 3);
}

Result<std::vector<ChipFinger>> parse_dg3(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto dg, data_group(bytes, 3));
  EKTP_ASSIGN_OR_RETURN(auto templates, information_templates(dg, 3));
  if (templates.size() > kChipFingersMax) {
    return malformed(fmt::format("DG3: {} fingers, at most {}", templates.size(), kChipFingersMax));
  }
  std::vector<ChipFinger> out;
  for (std::size_t i = 0; i < templates.size(); ++i) {
    const std::string where = fmt::format("DG3 finger {}", i + 1);
    EKTP_ASSIGN_OR_RETURN(auto header, header_of(*templates[i], where));
    if (header.type != cbeff::kTypeFinger) {
      return malformed(fmt::format("{}: biometric type {:02X}, not 08 (fingerprint)", where, header.type));
    }
    if (header.owner != cbeff::kFormatOwnerSc37 ||
        (header.format != cbeff::kFormatFingerMinutiae && header.format != cbeff::kFormatFingerMinutiaeExtended)) {
      return malformed(fmt::format("{}: format {:04X}/{:04X}, not 0101/0001 or 0002 (ISO/IEC 19794-2 minutiae)", where,
                                   header.owner, header.format));
    }
    if (!header.subtype) return malformed(fmt::format("{}: no biometric subtype 82", where));
    const int position = finger_position_of_subtype(*header.subtype);
    if (position == 0) return malformed(fmt::format("{}: subtype {:02X} names no single finger", where, *header.subtype));
    if (std::ranges::any_of(out, [&](const ChipFinger& f) { return f.position == position; })) {
      return malformed(fmt::format("{}: finger position {} is listed twice", where, position));
    }
    EKTP_ASSIGN_OR_RETURN(const Tlv* block, data_block_of(*templates[i], where));
    EKTP_ASSIGN_OR_RETURN(const int named, record_position(block->value, where));
    if (named != position) {
      return bad_finger(fmt::format("{}: the subtype {:02X} says finger {}, the record finger {}", where, *header.subtype,
                                    position, named));
    }
    out.push_back({position, block->value});
  }
  return out;
}

Result<std::vector<std::uint8_t>> encode_dg7(std::span<const std::uint8_t> png) {
  if (!is_png(png)) return not_png("DG7: the signature is not a PNG");
  if (png.size() > kSignatureImageBytesMax) {
    return too_large(fmt::format("DG7: a signature image of {} bytes, at most {}", png.size(), kSignatureImageBytesMax));
  }
  const std::array<std::uint8_t, 1> count = {1};
  return finished(encode_constructed(data_group_tag(7), {encode_tlv(kCountTag, count), encode_tlv(kSignatureTag, png)}), 7);
}

Result<std::vector<std::uint8_t>> parse_dg7(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto dg, data_group(bytes, 7));
  const Tlv* count = dg.find(kCountTag);
  if (count == nullptr || count->value.size() != 1) return malformed("DG7: no one-byte count 02");
  std::vector<const Tlv*> images;
  for (const Tlv& c : dg.children) {
    if (c.tag == kSignatureTag) {
      images.push_back(&c);
    } else if (&c != count) {
      return malformed(fmt::format("DG7: an unexpected tag {:X}", c.tag));
    }
  }
  if (images.empty() || count->value[0] != images.size()) {
    return malformed(fmt::format("DG7: the count says {}, there are {} images 5F43", count->value[0], images.size()));
  }
  const auto& png = images.front()->value;
  if (png.size() > kSignatureImageBytesMax) {
    return too_large(fmt::format("DG7: a signature image of {} bytes, at most {}", png.size(), kSignatureImageBytesMax));
  }
  if (!is_png(png)) return not_png("DG7: the signature image is not a PNG");
  return png;
}

}  // namespace ektp::card
