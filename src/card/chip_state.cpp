#include "card/chip_state.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/mrz.h"

namespace ektp::card {

namespace {

constexpr std::string_view kMagic = "EKTPCHIP";
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kDigest = 32;
constexpr std::uint32_t kMrzTag = 0x41, kFileTag = 0x62, kIdTag = 0x43, kTerminalTag = 0x44, kContentTag = 0x45;
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

}  // namespace

std::vector<std::uint8_t> encode_chip_state(const ChipContents& contents) {
  std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
  out.push_back(kVersion);
  const auto mrz = encode_tlv(kMrzTag, contents.mrz[0] + contents.mrz[1] + contents.mrz[2]);
  out.insert(out.end(), mrz.begin(), mrz.end());
  for (const auto& [id, bytes] : contents.files) {
    const std::uint8_t id_bytes[2] = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
    const std::uint8_t terminal = contents.terminal_only.contains(id) ? 1 : 0;
    const auto record = encode_constructed(kFileTag, {encode_tlv(kIdTag, id_bytes),
                                                      encode_tlv(kTerminalTag, std::span(&terminal, 1)),
                                                      encode_tlv(kContentTag, bytes)});
    out.insert(out.end(), record.begin(), record.end());
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
  if (body[kMagic.size()] != kVersion) return not_state(fmt::format("version {}", body[kMagic.size()]));
  EKTP_ASSIGN_OR_RETURN(auto records, parse_tlv_sequence(body.subspan(kMagic.size() + 1)));
  ChipContents contents;
  bool have_mrz = false;
  for (const auto& r : records) {
    if (r.tag == kMrzTag) {
      if (r.value.size() != 90) return not_state("the MRZ has 90 characters");
      const std::string text(r.value.begin(), r.value.end());
      contents.mrz = {text.substr(0, 30), text.substr(30, 30), text.substr(60, 30)};
      EKTP_RETURN_IF_ERROR(decode_td1(contents.mrz));
      have_mrz = true;
    } else if (r.tag == kFileTag) {
      const Tlv* id = r.find(kIdTag);
      const Tlv* terminal = r.find(kTerminalTag);
      const Tlv* content = r.find(kContentTag);
      if (id == nullptr || id->value.size() != 2 || terminal == nullptr || terminal->value.size() != 1 || content == nullptr) {
        return not_state("a file record lacks its id, its access or its content");
      }
      const auto fid = static_cast<std::uint16_t>(id->value[0] << 8 | id->value[1]);
      contents.files[fid] = content->value;
      if (terminal->value[0] != 0) contents.terminal_only.insert(fid);
    } else {
      return not_state(fmt::format("unknown record {:X}", r.tag));
    }
  }
  if (!have_mrz) return not_state("no MRZ");
  return contents;
}

Status save_chip_state(const std::filesystem::path& path, const ChipContents& contents) {
  const auto bytes = encode_chip_state(contents);
  const auto temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kUnavailable, fmt::format("cannot write {}", temporary));
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return make_error(ErrorCode::kUnavailable, fmt::format("cannot write {}", path.string()));
  }
  return {};
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
