#include "card/chip_state.h"

#include <openssl/evp.h>

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "access/private_file.h"
#include "card/ber_tlv.h"
#include "card/mrz.h"

namespace ektp::card {

namespace {

constexpr std::string_view kMagic = "EKTPCHIP";
constexpr std::uint8_t kVersion = 2;
constexpr std::size_t kDigest = 32;
constexpr std::uint32_t kMrzTag = 0x41, kFileTag = 0x62, kIdTag = 0x43, kTerminalTag = 0x44, kContentTag = 0x45,
                        kSerialTag = 0x46, kPersoKeyTag = 0x47, kTerminalKeyTag = 0x48, kLockedTag = 0x49,
                        kPersoTriesTag = 0x4A, kWrittenTag = 0x4B;
constexpr std::size_t kStateBytesMax = 1u << 20;

std::array<std::uint8_t, kDigest> sha256(std::span<const std::uint8_t> bytes) {
  std::array<std::uint8_t, kDigest> out{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

std::unexpected<Error> not_state(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, "chip_state_malformed", "chip state: " + std::move(what));
}

std::vector<std::uint8_t> bitmap_of(const std::vector<bool>& bits) {
  std::vector<std::uint8_t> out((bits.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) out[i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  }
  return out;
}

std::vector<bool> bits_of(std::span<const std::uint8_t> bitmap, std::size_t n) {
  std::vector<bool> out(n, false);
  for (std::size_t i = 0; i < n; ++i) out[i] = (bitmap[i / 8] & (0x80 >> (i % 8))) != 0;
  return out;
}

void append(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& record) {
  out.insert(out.end(), record.begin(), record.end());
}

std::optional<Key32> key_of(const Tlv& record) {
  if (record.value.size() != Key32{}.size()) return std::nullopt;
  Key32 key{};
  std::copy(record.value.begin(), record.value.end(), key.begin());
  return key;
}

}  // namespace

std::vector<std::uint8_t> encode_chip_state(const ChipContents& contents) {
  std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
  out.push_back(kVersion);
  append(out, encode_tlv(kSerialTag, contents.serial));
  if (contents.perso_key) append(out, encode_tlv(kPersoKeyTag, *contents.perso_key));
  if (contents.terminal_key) append(out, encode_tlv(kTerminalKeyTag, *contents.terminal_key));
  const std::uint8_t locked = contents.locked ? 1 : 0;
  append(out, encode_tlv(kLockedTag, std::span(&locked, 1)));
  append(out, encode_tlv(kPersoTriesTag, std::span(&contents.perso_tries, 1)));
  if (contents.mrz) append(out, encode_tlv(kMrzTag, (*contents.mrz)[0] + (*contents.mrz)[1] + (*contents.mrz)[2]));
  for (const auto& [id, bytes] : contents.files) {
    const std::uint8_t id_bytes[2] = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
    const std::uint8_t terminal = contents.terminal_only.contains(id) ? 1 : 0;
    std::vector<std::vector<std::uint8_t>> fields = {encode_tlv(kIdTag, id_bytes), encode_tlv(kTerminalTag, std::span(&terminal, 1)),
                                                     encode_tlv(kContentTag, bytes)};
    if (auto written = contents.written.find(id); written != contents.written.end()) {
      fields.push_back(encode_tlv(kWrittenTag, bitmap_of(written->second)));
    }
    append(out, encode_constructed(kFileTag, fields));
  }
  const auto digest = sha256(out);
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

Result<ChipContents> decode_chip_state(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kStateBytesMax) return not_state(fmt::format("{} bytes, at most {}", bytes.size(), kStateBytesMax));
  if (bytes.size() < kMagic.size() + 1 + kDigest ||
      !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return not_state("not an ektp chip state file");
  }
  const auto body = bytes.first(bytes.size() - kDigest);
  const auto digest = sha256(body);
  if (!std::equal(digest.begin(), digest.end(), bytes.end() - kDigest)) {
    return make_error(ErrorCode::kDataLoss, "chip state: the checksum does not match (the file was changed or cut)");
  }
  if (const auto version = body[kMagic.size()]; version != kVersion) {
    return refusal(ErrorCode::kFailedPrecondition, "chip_state_version",
                   version == 1 ? std::string("chip state: version 1, from before chip serials and personalisation; make the "
                                              "card again (--specimen, --nik or --blank)")
                                : fmt::format("chip state: version {}, this ektp reads version {}", version, kVersion));
  }
  EKTP_ASSIGN_OR_RETURN(auto records, parse_tlv_sequence(body.subspan(kMagic.size() + 1)));
  ChipContents contents;
  bool have_serial = false, have_locked = false, have_tries = false;
  for (const auto& r : records) {
    if (r.tag == kMrzTag) {
      if (r.value.size() != 90) return not_state("the MRZ has 90 characters");
      const std::string text(r.value.begin(), r.value.end());
      const std::array<std::string, 3> mrz = {text.substr(0, 30), text.substr(30, 30), text.substr(60, 30)};
      EKTP_RETURN_IF_ERROR(decode_td1(mrz));
      contents.mrz = mrz;
    } else if (r.tag == kSerialTag) {
      if (r.value.size() != kChipSerialBytes) return not_state(fmt::format("the serial has {} bytes", kChipSerialBytes));
      std::copy(r.value.begin(), r.value.end(), contents.serial.begin());
      have_serial = true;
    } else if (r.tag == kPersoKeyTag || r.tag == kTerminalKeyTag) {
      auto key = key_of(r);
      if (!key) return not_state("a key has 32 bytes");
      (r.tag == kPersoKeyTag ? contents.perso_key : contents.terminal_key) = *key;
    } else if (r.tag == kLockedTag) {
      if (r.value.size() != 1 || r.value[0] > 1) return not_state("the locked flag is one byte, 0 or 1");
      contents.locked = r.value[0] == 1;
      have_locked = true;
    } else if (r.tag == kPersoTriesTag) {
      if (r.value.size() != 1 || r.value[0] > kPersoTriesMax) return not_state("a bad personalisation try counter");
      contents.perso_tries = r.value[0];
      have_tries = true;
    } else if (r.tag == kFileTag) {
      const Tlv* id = r.find(kIdTag);
      const Tlv* terminal = r.find(kTerminalTag);
      const Tlv* content = r.find(kContentTag);
      if (id == nullptr || id->value.size() != 2 || terminal == nullptr || terminal->value.size() != 1 || content == nullptr) {
        return not_state("a file record lacks its id, its access or its content");
      }
      const auto fid = static_cast<std::uint16_t>(id->value[0] << 8 | id->value[1]);
      if (contents.files.contains(fid)) return not_state(fmt::format("file {:04X} twice", fid));
      contents.files[fid] = content->value;
      if (terminal->value[0] != 0) contents.terminal_only.insert(fid);
      if (const Tlv* written = r.find(kWrittenTag)) {
        if (written->value.size() != (content->value.size() + 7) / 8) {
          return not_state(fmt::format("file {:04X}: its written bytes do not match its size", fid));
        }
        contents.written[fid] = bits_of(written->value, content->value.size());
      }
    } else {
      return not_state(fmt::format("unknown record {:X}", r.tag));
    }
  }
  if (!have_serial || !have_locked || !have_tries) return not_state("no serial, locked flag or try counter");
  if (contents.locked && (!contents.mrz || contents.perso_key || !contents.written.empty())) {
    return not_state("a locked card has its MRZ, no personalisation key and no files being written");
  }
  if (!contents.locked && !contents.perso_key) return not_state("a blank card holds its personalisation key");
  return contents;
}

Status save_chip_state(const std::filesystem::path& path, const ChipContents& contents) {
  const auto bytes = encode_chip_state(contents);
  return access::replace_file(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), 0600);
}

Result<ChipContents> load_chip_state(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(fmt::format("no chip state at {}", path.string()));
  std::vector<std::uint8_t> bytes;
  bytes.resize(kStateBytesMax + 1);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return decode_chip_state(bytes);
}

}  // namespace ektp::card
