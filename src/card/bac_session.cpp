#include "card/bac_session.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <optional>

#include <fmt/format.h>

namespace ektp::card {

namespace {

using Block = Bytes8;

// One or more blocks through 3DES (two keys, EDE) in ECB or CBC mode with a zero IV, no padding.
std::vector<std::uint8_t> tdes(const std::uint8_t* key16, std::span<const std::uint8_t> data, bool encrypt, bool cbc) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  const std::uint8_t iv[8] = {};
  std::vector<std::uint8_t> out(data.size() + 8);
  int n = 0, tail = 0;
  EVP_CipherInit_ex(ctx.get(), cbc ? EVP_des_ede_cbc() : EVP_des_ede_ecb(), nullptr, key16, iv, encrypt ? 1 : 0);
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  EVP_CipherUpdate(ctx.get(), out.data(), &n, data.data(), static_cast<int>(data.size()));
  EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail);
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

// Single DES with key `k8` (as 3DES with K1 = K2, which is single DES).
Block des_encrypt(const std::uint8_t* k8, const Block& in) {
  std::uint8_t key[16];
  std::copy_n(k8, 8, key);
  std::copy_n(k8, 8, key + 8);
  auto out = tdes(key, in, true, false);
  Block b{};
  std::copy_n(out.begin(), 8, b.begin());
  return b;
}

void append_do(std::vector<std::uint8_t>& out, std::uint8_t tag, std::span<const std::uint8_t> value) {
  out.push_back(tag);
  if (value.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(value.size()));
  } else if (value.size() <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(value.size()));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(value.size()));
  }
  out.insert(out.end(), value.begin(), value.end());
}

struct DataObject {
  std::uint8_t tag = 0;
  std::span<const std::uint8_t> value;
  std::span<const std::uint8_t> whole;  // tag, length and value, as the MAC covers it
};

// The next BER-TLV data object (one-byte tag, length up to 0x82 form); kInvalidArgument when cut.
Result<DataObject> next_do(std::span<const std::uint8_t>& in) {
  if (in.size() < 2) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "data object cut short");
  std::size_t at = 1, length = in[at++];
  if (length == 0x81 || length == 0x82) {
    const std::size_t bytes = length - 0x80;
    if (in.size() < at + bytes) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "length cut short");
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | in[at++];
  } else if (length > 0x80) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "length form not allowed");
  }
  if (in.size() < at + length) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed),
                   fmt::format("data object '{:02X}' says {} bytes, {} are left", in[0], length, in.size() - at));
  }
  DataObject d{in[0], in.subspan(at, length), in.subspan(0, at + length)};
  in = in.subspan(at + length);
  return d;
}

void increment(Bytes8& ssc) {
  for (int i = 7; i >= 0; --i) {
    if (++ssc[static_cast<std::size_t>(i)] != 0) break;
  }
}

Bytes8 mac_with_ssc(SecureSession& s, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> n(s.ssc.begin(), s.ssc.end());
  n.insert(n.end(), body.begin(), body.end());
  return retail_mac(s.ks_mac, pad_9797(n));
}

Result<std::vector<std::uint8_t>> unpad_9797(std::vector<std::uint8_t> data) {
  while (!data.empty() && data.back() == 0x00) data.pop_back();
  if (data.empty() || data.back() != 0x80) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "the decrypted data is not padded");
  }
  data.pop_back();
  return data;
}

// The data objects of a protected command or response: DO'87', the one beside it (DO'97' in a
// command, DO'99' in a response), DO'8E', and the bytes the MAC covers (all but DO'8E').
struct Protected {
  std::optional<DataObject> d87, other, d8e;
  std::vector<std::uint8_t> covered;
};

Result<Protected> split_objects(std::span<const std::uint8_t> rest, std::uint8_t other_tag) {
  Protected p;
  while (!rest.empty()) {
    EKTP_ASSIGN_OR_RETURN(auto d, next_do(rest));
    if (d.tag == 0x87) {
      p.d87 = d;
    } else if (d.tag == other_tag) {
      p.other = d;
    } else if (d.tag == 0x8E) {
      p.d8e = d;
    } else {
      return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), fmt::format("data object '{:02X}'", d.tag));
    }
    if (d.tag != 0x8E) p.covered.insert(p.covered.end(), d.whole.begin(), d.whole.end());
  }
  return p;
}

// The plain data of DO'87': decrypted, its padding removed.
Result<std::vector<std::uint8_t>> open_do87(const SecureSession& session, const DataObject& d87) {
  if (d87.value.size() < 9 || d87.value[0] != 0x01 || (d87.value.size() - 1) % 8 != 0) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "DO'87' is not padded ciphertext");
  }
  return unpad_9797(tdes_cbc(session.ks_enc, d87.value.subspan(1), false));
}

SecureSession session_of(std::span<const std::uint8_t, 16> k_ifd, std::span<const std::uint8_t> k_icc,
                         const Bytes8& rnd_icc, const Bytes8& rnd_ifd) {
  DesKey16 seed{};
  for (std::size_t i = 0; i < 16; ++i) seed[i] = k_ifd[i] ^ k_icc[i];
  SecureSession s;
  s.ks_enc = derive_des_key(seed, 1);
  s.ks_mac = derive_des_key(seed, 2);
  std::copy_n(rnd_icc.begin() + 4, 4, s.ssc.begin());
  std::copy_n(rnd_ifd.begin() + 4, 4, s.ssc.begin() + 4);
  return s;
}

// Checks the MAC on the last 8 bytes of a 40-byte cryptogram and answers its decrypted 32 bytes.
Result<std::vector<std::uint8_t>> open_cryptogram(const BacKeys& keys, std::span<const std::uint8_t> data) {
  if (data.size() != 40) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed),
                   fmt::format("a BAC cryptogram has 40 bytes, not {}", data.size()));
  }
  const auto mac = retail_mac(keys.mac, pad_9797(data.first(32)));
  if (!std::equal(mac.begin(), mac.end(), data.begin() + 32)) {
    return refusal(ErrorCode::kUnauthenticated, std::string(bac_reason::kBadMac), "the cryptogram's MAC does not verify");
  }
  return tdes_cbc(keys.enc, data.first(32), false);
}

std::vector<std::uint8_t> seal_cryptogram(const BacKeys& keys, std::span<const std::uint8_t> plain) {
  auto out = tdes_cbc(keys.enc, plain, true);
  const auto mac = retail_mac(keys.mac, pad_9797(out));
  out.insert(out.end(), mac.begin(), mac.end());
  return out;
}

}  // namespace

std::vector<std::uint8_t> pad_9797(std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out(data.begin(), data.end());
  out.push_back(0x80);
  while (out.size() % 8 != 0) out.push_back(0x00);
  return out;
}

std::vector<std::uint8_t> tdes_cbc(const DesKey16& key, std::span<const std::uint8_t> data, bool encrypt) {
  return tdes(key.data(), data, encrypt, true);
}

Bytes8 retail_mac(const DesKey16& key, std::span<const std::uint8_t> padded) {
  Block h{};
  const std::size_t blocks = padded.size() / 8;
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < 8; ++i) h[i] ^= padded[b * 8 + i];
    if (b + 1 < blocks) {
      h = des_encrypt(key.data(), h);
    } else {
      auto out = tdes(key.data(), h, true, false);  // the last block through 3DES (Ka, Kb)
      std::copy_n(out.begin(), 8, h.begin());
    }
  }
  return h;
}

std::vector<std::uint8_t> terminal_cryptogram(const BacKeys& keys, const Bytes8& rnd_ifd, const Bytes8& rnd_icc,
                                              std::span<const std::uint8_t, 16> k_ifd) {
  std::vector<std::uint8_t> s(rnd_ifd.begin(), rnd_ifd.end());
  s.insert(s.end(), rnd_icc.begin(), rnd_icc.end());
  s.insert(s.end(), k_ifd.begin(), k_ifd.end());
  return seal_cryptogram(keys, s);
}

Result<CardAnswer> card_authenticate(const BacKeys& keys, std::span<const std::uint8_t> command_data,
                                     const Bytes8& rnd_icc, std::span<const std::uint8_t, 16> k_icc) {
  EKTP_ASSIGN_OR_RETURN(auto s, open_cryptogram(keys, command_data));
  if (!std::equal(rnd_icc.begin(), rnd_icc.end(), s.begin() + 8)) {
    return refusal(ErrorCode::kUnauthenticated, std::string(bac_reason::kWrongNonce),
                   "the terminal answered another challenge");
  }
  Bytes8 rnd_ifd{};
  std::copy_n(s.begin(), 8, rnd_ifd.begin());
  std::vector<std::uint8_t> r(rnd_icc.begin(), rnd_icc.end());
  r.insert(r.end(), rnd_ifd.begin(), rnd_ifd.end());
  r.insert(r.end(), k_icc.begin(), k_icc.end());
  const auto k_ifd = std::span<const std::uint8_t, 16>(s.data() + 16, 16);
  return CardAnswer{seal_cryptogram(keys, r), session_of(k_ifd, k_icc, rnd_icc, rnd_ifd)};
}

Result<SecureSession> terminal_session(const BacKeys& keys, std::span<const std::uint8_t> response,
                                       const Bytes8& rnd_ifd, const Bytes8& rnd_icc,
                                       std::span<const std::uint8_t, 16> k_ifd) {
  EKTP_ASSIGN_OR_RETURN(auto r, open_cryptogram(keys, response));
  if (!std::equal(rnd_icc.begin(), rnd_icc.end(), r.begin()) || !std::equal(rnd_ifd.begin(), rnd_ifd.end(), r.begin() + 8)) {
    return refusal(ErrorCode::kUnauthenticated, std::string(bac_reason::kWrongNonce), "the card answered another challenge");
  }
  return session_of(k_ifd, std::span<const std::uint8_t>(r.data() + 16, 16), rnd_icc, rnd_ifd);
}

Result<std::vector<std::uint8_t>> protect_command(SecureSession& session, std::span<const std::uint8_t> apdu) {
  if (apdu.size() < 4) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "a command has 4 bytes at least");
  std::span<const std::uint8_t> data;
  std::optional<std::uint8_t> le;
  if (apdu.size() == 5) {
    le = apdu[4];
  } else if (apdu.size() > 5) {
    const std::size_t lc = apdu[4];
    if (lc == 0 || (apdu.size() != 5 + lc && apdu.size() != 6 + lc)) {
      return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed),
                     fmt::format("Lc {} does not match a command of {} bytes", lc, apdu.size()));
    }
    data = apdu.subspan(5, lc);
    if (apdu.size() == 6 + lc) le = apdu[5 + lc];
  }
  const std::uint8_t header[4] = {static_cast<std::uint8_t>(apdu[0] | 0x0C), apdu[1], apdu[2], apdu[3]};
  std::vector<std::uint8_t> objects;
  if (!data.empty()) {
    std::vector<std::uint8_t> value = {0x01};
    const auto encrypted = tdes_cbc(session.ks_enc, pad_9797(data), true);
    value.insert(value.end(), encrypted.begin(), encrypted.end());
    append_do(objects, 0x87, value);
  }
  if (le) append_do(objects, 0x97, std::span<const std::uint8_t>(&*le, 1));
  increment(session.ssc);
  std::vector<std::uint8_t> mac_input = pad_9797(header);
  mac_input.insert(mac_input.end(), objects.begin(), objects.end());
  const auto mac = mac_with_ssc(session, mac_input);
  append_do(objects, 0x8E, mac);
  if (objects.size() > 0xFF) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "command too long");
  std::vector<std::uint8_t> out(header, header + 4);
  out.push_back(static_cast<std::uint8_t>(objects.size()));
  out.insert(out.end(), objects.begin(), objects.end());
  out.push_back(0x00);
  return out;
}

Result<std::vector<std::uint8_t>> unprotect_command(SecureSession& session, std::span<const std::uint8_t> apdu) {
  if (apdu.size() < 6 || (apdu[0] & 0x0C) != 0x0C) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "not a secure-messaging command");
  }
  const std::size_t lc = apdu[4];
  if (apdu.size() != 5 + lc && apdu.size() != 6 + lc) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "Lc does not match the command");
  }
  EKTP_ASSIGN_OR_RETURN(auto objects, split_objects(apdu.subspan(5, lc), 0x97));
  const auto& [d87, d97, d8e, covered] = objects;
  if (!d8e || d8e->value.size() != 8) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "no MAC");
  increment(session.ssc);
  std::vector<std::uint8_t> mac_input = pad_9797(apdu.first(4));
  mac_input.insert(mac_input.end(), covered.begin(), covered.end());
  const auto mac = mac_with_ssc(session, mac_input);
  if (!std::equal(mac.begin(), mac.end(), d8e->value.begin())) {
    return refusal(ErrorCode::kUnauthenticated, std::string(bac_reason::kBadMac), "the command's MAC does not verify");
  }
  std::vector<std::uint8_t> plain = {static_cast<std::uint8_t>(apdu[0] & ~0x0C), apdu[1], apdu[2], apdu[3]};
  if (d87) {
    EKTP_ASSIGN_OR_RETURN(auto data, open_do87(session, *d87));
    if (data.size() > 0xFF) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "data too long");
    plain.push_back(static_cast<std::uint8_t>(data.size()));
    plain.insert(plain.end(), data.begin(), data.end());
  }
  if (d97) {
    if (d97->value.size() != 1) return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "DO'97' has one byte");
    plain.push_back(d97->value[0]);
  }
  return plain;
}

std::vector<std::uint8_t> protect_response(SecureSession& session, std::span<const std::uint8_t> response) {
  const auto data = response.first(response.size() - 2);
  std::vector<std::uint8_t> objects;
  if (!data.empty()) {
    std::vector<std::uint8_t> value = {0x01};
    const auto encrypted = tdes_cbc(session.ks_enc, pad_9797(data), true);
    value.insert(value.end(), encrypted.begin(), encrypted.end());
    append_do(objects, 0x87, value);
  }
  append_do(objects, 0x99, response.last(2));
  increment(session.ssc);
  const auto mac = mac_with_ssc(session, objects);
  append_do(objects, 0x8E, mac);
  objects.insert(objects.end(), response.end() - 2, response.end());
  return objects;
}

Result<std::vector<std::uint8_t>> unprotect_response(SecureSession& session, std::span<const std::uint8_t> response) {
  if (response.size() < 2 + 4 + 10) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed),
                   fmt::format("a protected response of {} bytes is too short", response.size()));
  }
  EKTP_ASSIGN_OR_RETURN(auto objects, split_objects(response.first(response.size() - 2), 0x99));
  const auto& [d87, d99, d8e, covered] = objects;
  if (!d99 || d99->value.size() != 2 || !d8e || d8e->value.size() != 8) {
    return refusal(ErrorCode::kInvalidArgument, std::string(bac_reason::kMalformed), "DO'99' or DO'8E' missing");
  }
  increment(session.ssc);
  const auto mac = mac_with_ssc(session, covered);
  if (!std::equal(mac.begin(), mac.end(), d8e->value.begin())) {
    return refusal(ErrorCode::kUnauthenticated, std::string(bac_reason::kBadMac), "the response's MAC does not verify");
  }
  std::vector<std::uint8_t> plain;
  if (d87) {
    EKTP_ASSIGN_OR_RETURN(plain, open_do87(session, *d87));
  }
  plain.insert(plain.end(), d99->value.begin(), d99->value.end());
  return plain;
}

}  // namespace ektp::card
