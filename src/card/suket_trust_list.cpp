#include "card/suket_trust_list.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "card/byte_text.h"
#include "core/assert.h"

namespace ektp::card {
namespace {

namespace json = boost::json;

constexpr std::size_t kSuketIdHexChars = 32;
constexpr std::size_t kPublicKeyBase64Chars = 43;
constexpr std::size_t kSignatureBase64Chars = 86;
constexpr std::size_t kJsonDepthMax = 4;  // object → array → object is all either list has

bool is_issuer_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '.' || c == '_' || c == '/' || c == '-';
}

bool is_lower_hex(std::string_view text, std::size_t chars) {
  return text.size() == chars && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool json_integer_ok(std::int64_t value) { return value >= 0 && value <= kJsonIntegerMax; }

// What one kind of list calls its refusals: "trust_list" or "superseded_list".
struct ListKind {
  std::string_view name;     // reason prefix
  std::string_view display;  // message prefix
  std::string_view member;   // the list member: "keys" or "superseded"
  std::size_t bytes_max;
  std::size_t items_max;
};
constexpr ListKind kTrustListKind{"trust_list", "trust list", "keys", kTrustListBytesMax,
                                  kTrustListKeysMax};
constexpr ListKind kSupersededKind{"superseded_list", "superseded list", "superseded",
                                   kSupersededListBytesMax, kSupersededListIdsMax};

std::unexpected<Error> list_refusal(const ListKind& kind, ErrorCode code, std::string_view why,
                                    std::string message) {
  return refusal(code, std::string(kind.name) + "_" + std::string(why),
                 std::string(kind.display) + ": " + std::move(message));
}
std::unexpected<Error> malformed(const ListKind& kind, std::string message) {
  return list_refusal(kind, ErrorCode::kInvalidArgument, "malformed", std::move(message));
}

// Exactly these members, each once (Boost.JSON keeps one of a duplicated key; the count shows it).
Status check_members(const ListKind& kind, const json::object& object, std::string_view where,
                     std::initializer_list<std::string_view> names) {
  for (const auto& member : object) {
    if (std::find(names.begin(), names.end(), std::string_view(member.key())) == names.end()) {
      return malformed(kind, std::string(where) + " has an unknown member \"" +
                                 std::string(std::string_view(member.key()).substr(0, 40)) + "\"");
    }
  }
  for (std::string_view name : names) {
    if (!object.contains(name)) {
      return malformed(kind, std::string(where) + " has no \"" + std::string(name) + "\"");
    }
  }
  return {};
}

Result<std::int64_t> integer_member(const ListKind& kind, const json::object& object,
                                    std::string_view where, std::string_view name) {
  const json::value& value = object.at(name);
  std::int64_t number = -1;
  if (const auto* i = value.if_int64()) number = *i;
  if (const auto* u = value.if_uint64();
      u != nullptr && *u <= static_cast<std::uint64_t>(kJsonIntegerMax)) {
    number = static_cast<std::int64_t>(*u);
  }
  if (!json_integer_ok(number)) {
    return malformed(kind, std::string(where) + "." + std::string(name) +
                               " is not an integer from 0 to 2^53 - 1");
  }
  return number;
}

Result<std::string_view> string_member(const ListKind& kind, const json::object& object,
                                       std::string_view where, std::string_view name) {
  const json::string* text = object.at(name).if_string();
  if (text == nullptr) {
    return malformed(kind, std::string(where) + "." + std::string(name) + " is not a string");
  }
  return std::string_view(text->data(), text->size());
}

// The parts every signed list shares, checked and verified once the caller has parsed its own
// member and rebuilt the signing text from it.
struct Envelope {
  const json::object* object = nullptr;
  std::int64_t issued_at_s = 0;
  std::string signed_by_hex;
  std::vector<std::uint8_t> signature;
};

Result<json::value> parse_json(const ListKind& kind, std::string_view text) {
  if (text.size() > kind.bytes_max) {
    return list_refusal(
        kind, ErrorCode::kResourceExhausted, "too_large",
        std::to_string(text.size()) + " bytes, more than " + std::to_string(kind.bytes_max));
  }
  json::parse_options options;
  options.max_depth = kJsonDepthMax;
  json::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) return malformed(kind, "not JSON: " + ec.message());
  return value;
}

Result<Envelope> open_envelope(const ListKind& kind, const json::value& value,
                               const PublicKey& root_public_key) {
  Envelope envelope;
  envelope.object = value.if_object();
  if (envelope.object == nullptr) return malformed(kind, "the document is not a JSON object");
  const json::object& object = *envelope.object;
  EKTP_RETURN_IF_ERROR(check_members(kind, object, "the list",
                                     {"issued_at", kind.member, "signature", "signed_by"}));
  EKTP_ASSIGN_OR_RETURN(envelope.issued_at_s,
                        integer_member(kind, object, "the list", "issued_at"));
  EKTP_ASSIGN_OR_RETURN(const std::string_view signed_by,
                        string_member(kind, object, "the list", "signed_by"));
  if (!is_lower_hex(signed_by, kKeyIdBytes * 2)) {
    return malformed(kind, "signed_by is not a kid (16 lower-case hex digits)");
  }
  envelope.signed_by_hex = signed_by;
  if (envelope.signed_by_hex != key_id_hex(root_public_key)) {
    return list_refusal(kind, ErrorCode::kUnauthenticated, "wrong_root",
                        "signed by " + envelope.signed_by_hex + ", not by the root key " +
                            key_id_hex(root_public_key));
  }
  EKTP_ASSIGN_OR_RETURN(const std::string_view signature,
                        string_member(kind, object, "the list", "signature"));
  auto signature_bytes = bytes_of_base64url(signature, kEd25519SignatureBytes);
  if (signature.size() != kSignatureBase64Chars || !signature_bytes) {
    return malformed(kind, "signature is not 64 bytes of unpadded base64url");
  }
  envelope.signature = std::move(*signature_bytes);
  return envelope;
}

Status verify_envelope(const ListKind& kind, const Envelope& envelope,
                       std::string_view signing_text, const PublicKey& root_public_key) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(signing_text.data());
  if (!verify_ed25519(root_public_key, {bytes, signing_text.size()}, envelope.signature)) {
    return list_refusal(
        kind, ErrorCode::kUnauthenticated, "bad_signature",
        "the signature does not verify with the root key " + envelope.signed_by_hex);
  }
  return {};
}

// The signed JSON: the signing text with "signature" put back before "signed_by".
std::string with_signature(std::string_view signing_text, const Signature& signature) {
  const std::size_t at = signing_text.rfind(",\"signed_by\":");
  EKTP_ASSERT(at != std::string_view::npos);
  return std::string(signing_text.substr(0, at)) + ",\"signature\":\"" + base64url_of(signature) +
         "\"" + std::string(signing_text.substr(at));
}

Status validate_key(const IssuerKey& key, std::size_t index) {
  const std::string where = "key " + std::to_string(index + 1);
  EKTP_RETURN_IF_ERROR(validate_suket_issuer(key.issuer));
  if (key.kid != key_id_of(key.public_key)) {
    return invalid_argument(where + ": kid is not the first 8 bytes of SHA-256 of its public key");
  }
  if (!json_integer_ok(key.not_before_s) || !json_integer_ok(key.not_after_s)) {
    return invalid_argument(where + ": not_before and not_after must be 0 to 2^53 - 1");
  }
  if (key.not_before_s > key.not_after_s)
    return invalid_argument(where + ": not_before is after not_after");
  return {};
}

Status validate_trust_list(const TrustList& list) {
  if (list.keys.size() > kTrustListKeysMax) {
    return make_error(ErrorCode::kResourceExhausted,
                      "trust list: " + std::to_string(list.keys.size()) + " keys, more than " +
                          std::to_string(kTrustListKeysMax));
  }
  if (!json_integer_ok(list.issued_at_s))
    return invalid_argument("trust list: issued_at out of range");
  std::set<KeyId> kids;
  for (std::size_t i = 0; i < list.keys.size(); ++i) {
    if (auto ok = validate_key(list.keys[i], i); !ok) {
      return invalid_argument("trust list: " + ok.error().message);
    }
    if (!kids.insert(list.keys[i].kid).second) {
      return invalid_argument("trust list: key " + std::to_string(i + 1) + " repeats kid " +
                              hex_of(list.keys[i].kid));
    }
  }
  return {};
}

Result<IssuerKey> parse_key(const json::value& value, std::size_t index) {
  const ListKind& kind = kTrustListKind;
  const std::string where = "keys[" + std::to_string(index) + "]";
  const json::object* object = value.if_object();
  if (object == nullptr) return malformed(kind, where + " is not an object");
  EKTP_RETURN_IF_ERROR(check_members(
      kind, *object, where, {"kid", "alg", "issuer", "public_key", "not_before", "not_after"}));
  IssuerKey key;
  EKTP_ASSIGN_OR_RETURN(const std::string_view alg, string_member(kind, *object, where, "alg"));
  if (alg != "EdDSA") return malformed(kind, where + ".alg is not \"EdDSA\"");
  EKTP_ASSIGN_OR_RETURN(const std::string_view issuer,
                        string_member(kind, *object, where, "issuer"));
  if (auto ok = validate_suket_issuer(issuer); !ok)
    return malformed(kind, where + "." + ok.error().message);
  key.issuer = issuer;
  EKTP_ASSIGN_OR_RETURN(const std::string_view public_key,
                        string_member(kind, *object, where, "public_key"));
  auto public_bytes = bytes_of_base64url(public_key, kEd25519PublicKeyBytes);
  if (public_key.size() != kPublicKeyBase64Chars || !public_bytes) {
    return malformed(kind, where + ".public_key is not 32 bytes of unpadded base64url");
  }
  std::copy(public_bytes->begin(), public_bytes->end(), key.public_key.begin());
  EKTP_ASSIGN_OR_RETURN(const std::string_view kid, string_member(kind, *object, where, "kid"));
  key.kid = key_id_of(key.public_key);
  if (kid != hex_of(key.kid)) {
    return malformed(kind, where + ".kid is not " + hex_of(key.kid) +
                               ", the first 8 bytes of SHA-256 of its public key");
  }
  EKTP_ASSIGN_OR_RETURN(key.not_before_s, integer_member(kind, *object, where, "not_before"));
  EKTP_ASSIGN_OR_RETURN(key.not_after_s, integer_member(kind, *object, where, "not_after"));
  if (key.not_before_s > key.not_after_s)
    return malformed(kind, where + ".not_before is after not_after");
  return key;
}

Result<const json::array*> list_member(const ListKind& kind, const json::object& object) {
  const json::array* items = object.at(kind.member).if_array();
  if (items == nullptr) return malformed(kind, std::string(kind.member) + " is not an array");
  if (items->size() > kind.items_max) {
    return list_refusal(kind, ErrorCode::kResourceExhausted, "too_large",
                        std::to_string(items->size()) + " entries in " + std::string(kind.member) +
                            ", more than " + std::to_string(kind.items_max));
  }
  return items;
}

}  // namespace

Status validate_suket_issuer(std::string_view issuer) {
  if (issuer.empty() || issuer.size() > kIssuerBytesMax) {
    return invalid_argument("issuer: " + std::to_string(issuer.size()) + " characters, not 1–" +
                            std::to_string(kIssuerBytesMax));
  }
  for (std::size_t i = 0; i < issuer.size(); ++i) {
    if (!is_issuer_char(issuer[i])) {
      return invalid_argument("issuer: character " + std::to_string(i + 1) +
                              " is not a letter, digit or one of : . _ / -");
    }
  }
  return {};
}

const IssuerKey* TrustList::find(std::span<const std::uint8_t> kid) const {
  if (kid.size() != kKeyIdBytes) return nullptr;
  for (const IssuerKey& key : keys) {
    if (std::equal(kid.begin(), kid.end(), key.kid.begin())) return &key;
  }
  return nullptr;
}

std::string trust_list_signing_text(const TrustList& list, std::string_view signed_by_hex) {
  std::string text = "{\"issued_at\":" + std::to_string(list.issued_at_s) + ",\"keys\":[";
  for (std::size_t i = 0; i < list.keys.size(); ++i) {
    const IssuerKey& key = list.keys[i];
    if (i > 0) text += ',';
    text += "{\"kid\":\"" + hex_of(key.kid) + "\",\"alg\":\"EdDSA\",\"issuer\":\"" + key.issuer +
            "\",\"public_key\":\"" + base64url_of(key.public_key) +
            "\",\"not_before\":" + std::to_string(key.not_before_s) +
            ",\"not_after\":" + std::to_string(key.not_after_s) + "}";
  }
  text += "],\"signed_by\":\"" + std::string(signed_by_hex) + "\"}";
  return text;
}

Result<std::string> sign_trust_list(const TrustList& list, const SigningKey& root_key) {
  EKTP_RETURN_IF_ERROR(validate_trust_list(list));
  const std::string text = trust_list_signing_text(list, hex_of(root_key.key_id()));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  return with_signature(text, root_key.sign({bytes, text.size()}));
}

Result<TrustList> parse_trust_list(std::string_view json_text, const PublicKey& root_public_key) {
  const ListKind& kind = kTrustListKind;
  EKTP_ASSIGN_OR_RETURN(const json::value value, parse_json(kind, json_text));
  EKTP_ASSIGN_OR_RETURN(const Envelope envelope, open_envelope(kind, value, root_public_key));
  EKTP_ASSIGN_OR_RETURN(const json::array* items, list_member(kind, *envelope.object));
  TrustList list;
  list.issued_at_s = envelope.issued_at_s;
  list.keys.reserve(items->size());
  std::set<KeyId> kids;
  for (std::size_t i = 0; i < items->size(); ++i) {
    EKTP_ASSIGN_OR_RETURN(IssuerKey key, parse_key((*items)[i], i));
    if (!kids.insert(key.kid).second) {
      return malformed(kind, "keys[" + std::to_string(i) + "] repeats kid " + hex_of(key.kid));
    }
    list.keys.push_back(std::move(key));
  }
  EKTP_RETURN_IF_ERROR(verify_envelope(
      kind, envelope, trust_list_signing_text(list, envelope.signed_by_hex), root_public_key));
  return list;
}

bool SupersededList::contains(std::string_view suket_id) const {
  return std::find(ids.begin(), ids.end(), suket_id) != ids.end();
}

std::string superseded_list_signing_text(const SupersededList& list,
                                         std::string_view signed_by_hex) {
  std::string text = "{\"issued_at\":" + std::to_string(list.issued_at_s) + ",\"superseded\":[";
  for (std::size_t i = 0; i < list.ids.size(); ++i) {
    if (i > 0) text += ',';
    text += "\"" + list.ids[i] + "\"";
  }
  text += "],\"signed_by\":\"" + std::string(signed_by_hex) + "\"}";
  return text;
}

Result<std::string> sign_superseded_list(const SupersededList& list, const SigningKey& root_key) {
  if (list.ids.size() > kSupersededListIdsMax) {
    return make_error(ErrorCode::kResourceExhausted,
                      "superseded list: " + std::to_string(list.ids.size()) + " ids, more than " +
                          std::to_string(kSupersededListIdsMax));
  }
  if (!json_integer_ok(list.issued_at_s)) {
    return invalid_argument("superseded list: issued_at out of range");
  }
  for (std::size_t i = 0; i < list.ids.size(); ++i) {
    if (!is_lower_hex(list.ids[i], kSuketIdHexChars)) {
      return invalid_argument("superseded list: id " + std::to_string(i + 1) +
                              " is not 32 lower-case hex digits");
    }
  }
  const std::string text = superseded_list_signing_text(list, hex_of(root_key.key_id()));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  return with_signature(text, root_key.sign({bytes, text.size()}));
}

Result<SupersededList> parse_superseded_list(std::string_view json_text,
                                             const PublicKey& root_public_key) {
  const ListKind& kind = kSupersededKind;
  EKTP_ASSIGN_OR_RETURN(const json::value value, parse_json(kind, json_text));
  EKTP_ASSIGN_OR_RETURN(const Envelope envelope, open_envelope(kind, value, root_public_key));
  EKTP_ASSIGN_OR_RETURN(const json::array* items, list_member(kind, *envelope.object));
  SupersededList list;
  list.issued_at_s = envelope.issued_at_s;
  list.ids.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json::string* id = (*items)[i].if_string();
    if (id == nullptr || !is_lower_hex({id->data(), id->size()}, kSuketIdHexChars)) {
      return malformed(kind,
                       "superseded[" + std::to_string(i) + "] is not 32 lower-case hex digits");
    }
    list.ids.emplace_back(id->data(), id->size());
  }
  EKTP_RETURN_IF_ERROR(verify_envelope(
      kind, envelope, superseded_list_signing_text(list, envelope.signed_by_hex), root_public_key));
  return list;
}

}  // namespace ektp::card
