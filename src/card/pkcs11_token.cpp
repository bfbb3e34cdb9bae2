// Keys in a PKCS#11 token: module loading (dlopen, C_GetFunctionList, refcounted
// C_Initialize/C_Finalize), the token found by label, the user login, key generation, ECDSA and
// HMAC inside the token.
#include "card/pkcs11_token.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>

#include <map>
#include <mutex>

#include "card/ber_tlv.h"

namespace ektp::card {

namespace {

// id-ecPublicKey (1.2.840.10045.2.1) and the named curve prime256v1 (1.2.840.10045.3.1.7), the
// latter as the DER ECParameters that CKA_EC_PARAMS holds.
constexpr std::uint8_t kEcPublicKeyOid[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
constexpr std::uint8_t kP256Params[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr CK_ULONG kSignatureBytesMax = 132;  // r ‖ s for P-521, the largest curve

// A slot this process is logged in to. PKCS#11 login is per application and token, so a second
// C_Login answers CKR_USER_ALREADY_LOGGED_IN without checking the PIN: a later open of the same
// token is checked against the digest of the PIN that logged in.
struct SlotLogin {
  int tokens = 0;  // open tokens on the slot: logout with the last
  std::array<std::uint8_t, 32> pin_digest = {};
};

// One loaded module, shared by every token opened from it in this process.
struct Module {
  CK_FUNCTION_LIST_PTR functions = nullptr;
  int tokens = 0;
  bool finalize = false;  // we called C_Initialize, so we call C_Finalize
  std::map<CK_SLOT_ID, SlotLogin> logins;
};

std::array<std::uint8_t, 32> pin_digest(std::string_view pin) {
  std::array<std::uint8_t, 32> digest{};
  unsigned int size = 0;
  EVP_Digest(pin.data(), pin.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

// Module state by dlopen handle (the loader gives the same handle for the same library).
std::mutex& modules_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<void*, Module>& modules() {
  static std::map<void*, Module> loaded;
  return loaded;
}

ErrorCode code_for(CK_RV rv) {
  switch (rv) {
    case CKR_DEVICE_ERROR:
    case CKR_DEVICE_MEMORY:
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_COUNT:
      return ErrorCode::kUnavailable;
    case CKR_USER_NOT_LOGGED_IN:
      return ErrorCode::kUnauthenticated;
    default:
      return ErrorCode::kInternal;
  }
}

std::unexpected<Error> ck_error(std::string_view call, CK_RV rv, std::string_view doing) {
  return make_error(code_for(rv), fmt::format("PKCS#11 {} failed with {} ({})", call, ckr_name(rv), doing));
}

// A fixed-width, blank-padded PKCS#11 text field without its padding.
std::string padded_text(const unsigned char* field, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(field), size);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::vector<std::uint8_t> concat(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  std::vector<std::uint8_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Drops this token's hold on its module; logs out with the slot's last token, finalises and
// unloads with the module's last. Call with modules_mutex() held.
void release_locked(void* handle, CK_SLOT_ID slot, CK_SESSION_HANDLE session, bool logged_in) {
  auto it = modules().find(handle);
  if (it == modules().end()) return;
  Module& module = it->second;
  if (session != CK_INVALID_HANDLE) {
    if (auto login = module.logins.find(slot); logged_in && login != module.logins.end() && --login->second.tokens == 0) {
      module.logins.erase(login);
      module.functions->C_Logout(session);
    }
    module.functions->C_CloseSession(session);
  }
  if (--module.tokens == 0) {
    if (module.finalize) module.functions->C_Finalize(nullptr);
    modules().erase(it);
    dlclose(handle);
  }
}

// Loads and initialises `path`, or takes one more hold on it. Call with modules_mutex() held.
Result<std::pair<void*, CK_FUNCTION_LIST_PTR>> acquire_locked(const std::filesystem::path& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return make_error(ErrorCode::kUnavailable, fmt::format("cannot load PKCS#11 module {}: {}", path.string(),
                                                           why != nullptr ? why : "unknown dlopen error"));
  }
  if (auto it = modules().find(handle); it != modules().end()) {
    dlclose(handle);  // the entry holds the module loaded already
    ++it->second.tokens;
    return std::pair{handle, it->second.functions};
  }
  auto get_function_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR functions = nullptr;
  if (get_function_list == nullptr) {
    dlclose(handle);
    return make_error(ErrorCode::kUnavailable,
                      fmt::format("{} is not a PKCS#11 module: it has no C_GetFunctionList", path.string()));
  }
  if (CK_RV rv = get_function_list(&functions); rv != CKR_OK || functions == nullptr) {
    dlclose(handle);
    return ck_error("C_GetFunctionList", rv, path.string());
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = functions->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    dlclose(handle);
    return make_error(ErrorCode::kUnavailable, fmt::format("PKCS#11 C_Initialize of {} failed with {}",
                                                           path.string(), ckr_name(rv)));
  }
  modules()[handle] = Module{.functions = functions, .tokens = 1, .finalize = rv == CKR_OK, .logins = {}};
  return std::pair{handle, functions};
}

}  // namespace

std::string ckr_name(unsigned long rv) {
#define EKTP_CKR_NAME(name) \
  case name:                \
    return #name;
  switch (rv) {
    EKTP_CKR_NAME(CKR_OK)
    EKTP_CKR_NAME(CKR_CANCEL)
    EKTP_CKR_NAME(CKR_HOST_MEMORY)
    EKTP_CKR_NAME(CKR_SLOT_ID_INVALID)
    EKTP_CKR_NAME(CKR_GENERAL_ERROR)
    EKTP_CKR_NAME(CKR_FUNCTION_FAILED)
    EKTP_CKR_NAME(CKR_ARGUMENTS_BAD)
    EKTP_CKR_NAME(CKR_ATTRIBUTE_READ_ONLY)
    EKTP_CKR_NAME(CKR_ATTRIBUTE_SENSITIVE)
    EKTP_CKR_NAME(CKR_ATTRIBUTE_TYPE_INVALID)
    EKTP_CKR_NAME(CKR_ATTRIBUTE_VALUE_INVALID)
    EKTP_CKR_NAME(CKR_DATA_INVALID)
    EKTP_CKR_NAME(CKR_DATA_LEN_RANGE)
    EKTP_CKR_NAME(CKR_DEVICE_ERROR)
    EKTP_CKR_NAME(CKR_DEVICE_MEMORY)
    EKTP_CKR_NAME(CKR_DEVICE_REMOVED)
    EKTP_CKR_NAME(CKR_FUNCTION_NOT_SUPPORTED)
    EKTP_CKR_NAME(CKR_KEY_HANDLE_INVALID)
    EKTP_CKR_NAME(CKR_KEY_SIZE_RANGE)
    EKTP_CKR_NAME(CKR_KEY_TYPE_INCONSISTENT)
    EKTP_CKR_NAME(CKR_KEY_FUNCTION_NOT_PERMITTED)
    EKTP_CKR_NAME(CKR_KEY_UNEXTRACTABLE)
    EKTP_CKR_NAME(CKR_MECHANISM_INVALID)
    EKTP_CKR_NAME(CKR_MECHANISM_PARAM_INVALID)
    EKTP_CKR_NAME(CKR_OBJECT_HANDLE_INVALID)
    EKTP_CKR_NAME(CKR_OPERATION_ACTIVE)
    EKTP_CKR_NAME(CKR_OPERATION_NOT_INITIALIZED)
    EKTP_CKR_NAME(CKR_PIN_INCORRECT)
    EKTP_CKR_NAME(CKR_PIN_INVALID)
    EKTP_CKR_NAME(CKR_PIN_LEN_RANGE)
    EKTP_CKR_NAME(CKR_PIN_EXPIRED)
    EKTP_CKR_NAME(CKR_PIN_LOCKED)
    EKTP_CKR_NAME(CKR_SESSION_CLOSED)
    EKTP_CKR_NAME(CKR_SESSION_COUNT)
    EKTP_CKR_NAME(CKR_SESSION_HANDLE_INVALID)
    EKTP_CKR_NAME(CKR_SESSION_READ_ONLY)
    EKTP_CKR_NAME(CKR_SIGNATURE_INVALID)
    EKTP_CKR_NAME(CKR_SIGNATURE_LEN_RANGE)
    EKTP_CKR_NAME(CKR_TEMPLATE_INCOMPLETE)
    EKTP_CKR_NAME(CKR_TEMPLATE_INCONSISTENT)
    EKTP_CKR_NAME(CKR_TOKEN_NOT_PRESENT)
    EKTP_CKR_NAME(CKR_TOKEN_NOT_RECOGNIZED)
    EKTP_CKR_NAME(CKR_TOKEN_WRITE_PROTECTED)
    EKTP_CKR_NAME(CKR_USER_ALREADY_LOGGED_IN)
    EKTP_CKR_NAME(CKR_USER_NOT_LOGGED_IN)
    EKTP_CKR_NAME(CKR_USER_PIN_NOT_INITIALIZED)
    EKTP_CKR_NAME(CKR_USER_TYPE_INVALID)
    EKTP_CKR_NAME(CKR_BUFFER_TOO_SMALL)
    EKTP_CKR_NAME(CKR_CRYPTOKI_NOT_INITIALIZED)
    EKTP_CKR_NAME(CKR_CRYPTOKI_ALREADY_INITIALIZED)
    EKTP_CKR_NAME(CKR_DOMAIN_PARAMS_INVALID)
    EKTP_CKR_NAME(CKR_CURVE_NOT_SUPPORTED)
    default:
      return fmt::format("CKR_0x{:X}", rv);
  }
#undef EKTP_CKR_NAME
}

struct Pkcs11Token::State {
  void* module = nullptr;  // the dlopen handle, key of modules()
  CK_FUNCTION_LIST_PTR f = nullptr;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  bool logged_in = false;
  std::string label;
  std::mutex mutex;  // one session: one call at a time

  // The objects matching `attributes` (a C_FindObjects template).
  Result<std::vector<CK_OBJECT_HANDLE>> find(std::span<CK_ATTRIBUTE> attributes) {
    if (CK_RV rv = f->C_FindObjectsInit(session, attributes.data(), attributes.size()); rv != CKR_OK) {
      return ck_error("C_FindObjectsInit", rv, "looking up objects in token '" + label + "'");
    }
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = CKR_OK;
    for (;;) {
      CK_OBJECT_HANDLE batch[16] = {};
      CK_ULONG n = 0;
      rv = f->C_FindObjects(session, batch, std::size(batch), &n);
      if (rv != CKR_OK || n == 0) break;
      found.insert(found.end(), batch, batch + n);
    }
    f->C_FindObjectsFinal(session);
    if (rv != CKR_OK) return ck_error("C_FindObjects", rv, "looking up objects in token '" + label + "'");
    return found;
  }

  // All objects labelled `key_label`, of class `object_class` unless that is CK_UNAVAILABLE_INFORMATION.
  Result<std::vector<CK_OBJECT_HANDLE>> find_labelled(std::string_view key_label, CK_OBJECT_CLASS object_class) {
    std::string text(key_label);
    std::vector<CK_ATTRIBUTE> attributes = {{CKA_LABEL, text.data(), text.size()}};
    if (object_class != CK_UNAVAILABLE_INFORMATION) {
      attributes.push_back({CKA_CLASS, &object_class, sizeof object_class});
    }
    return find(attributes);
  }

  // The one object of `object_class` labelled `key_label` (the first, should there be several).
  Result<CK_OBJECT_HANDLE> key(std::string_view key_label, CK_OBJECT_CLASS object_class, std::string_view kind) {
    EKTP_ASSIGN_OR_RETURN(auto found, find_labelled(key_label, object_class));
    if (found.empty()) {
      return not_found(fmt::format("token '{}' holds no {} labelled '{}'", label, kind, key_label));
    }
    return found.front();
  }

  // The private key, else the secret key, labelled `key_label`.
  Result<CK_OBJECT_HANDLE> private_or_secret(std::string_view key_label) {
    EKTP_ASSIGN_OR_RETURN(auto found, find_labelled(key_label, CKO_PRIVATE_KEY));
    if (found.empty()) {
      EKTP_ASSIGN_OR_RETURN(found, find_labelled(key_label, CKO_SECRET_KEY));
    }
    if (found.empty()) {
      return not_found(fmt::format("token '{}' holds no private or secret key labelled '{}'", label, key_label));
    }
    return found.front();
  }

  // One attribute's bytes (C_GetAttributeValue twice: its length, then its value).
  Result<std::vector<std::uint8_t>> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, std::string_view name) {
    CK_ATTRIBUTE query = {type, nullptr, 0};
    CK_RV rv = f->C_GetAttributeValue(session, object, &query, 1);
    if (rv != CKR_OK) return ck_error("C_GetAttributeValue", rv, fmt::format("reading {}", name));
    if (query.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
      return make_error(ErrorCode::kInternal, fmt::format("token '{}' reports {} unavailable", label, name));
    }
    std::vector<std::uint8_t> bytes(query.ulValueLen);
    query.pValue = bytes.data();
    rv = f->C_GetAttributeValue(session, object, &query, 1);
    if (rv != CKR_OK) return ck_error("C_GetAttributeValue", rv, fmt::format("reading {}", name));
    bytes.resize(query.ulValueLen);
    return bytes;
  }

  // C_SignInit + C_Sign with `mechanism` and key `object` over `data`; at most `max` bytes out.
  Result<std::vector<std::uint8_t>> sign(CK_MECHANISM_TYPE mechanism, CK_OBJECT_HANDLE object,
                                         std::span<const std::uint8_t> data, CK_ULONG max, std::string_view doing) {
    CK_MECHANISM m = {mechanism, nullptr, 0};
    if (CK_RV rv = f->C_SignInit(session, &m, object); rv != CKR_OK) return ck_error("C_SignInit", rv, doing);
    std::vector<std::uint8_t> out(max);
    CK_ULONG out_len = max;
    CK_RV rv = f->C_Sign(session, const_cast<CK_BYTE_PTR>(data.data()), data.size(), out.data(), &out_len);
    if (rv != CKR_OK) return ck_error("C_Sign", rv, doing);
    out.resize(out_len);
    return out;
  }

  Status refuse_taken(std::string_view key_label) {
    if (key_label.empty()) return invalid_argument("a key label must not be empty");
    EKTP_ASSIGN_OR_RETURN(auto found, find_labelled(key_label, CK_UNAVAILABLE_INFORMATION));
    if (!found.empty()) {
      return refusal(ErrorCode::kAlreadyExists, "key_label_taken",
                     fmt::format("token '{}' already holds an object labelled '{}'", label, key_label));
    }
    return {};
  }
};

Result<Pkcs11Token> Pkcs11Token::open(const std::filesystem::path& module, std::string_view token_label,
                                      std::string_view user_pin) {
  std::lock_guard lock(modules_mutex());
  EKTP_ASSIGN_OR_RETURN(auto loaded, acquire_locked(module));
  auto state = std::make_unique<State>();
  state->module = loaded.first;
  state->f = loaded.second;
  state->label = std::string(token_label);
  // Until the login succeeds, failing drops the module hold (and the session, once open).
  auto fail = [&](std::unexpected<Error> error) {
    release_locked(state->module, state->slot, state->session, false);
    return error;
  };
  CK_FUNCTION_LIST_PTR f = state->f;
  CK_ULONG slot_count = 0;
  if (CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &slot_count); rv != CKR_OK) {
    return fail(ck_error("C_GetSlotList", rv, module.string()));
  }
  std::vector<CK_SLOT_ID> slots(slot_count);
  if (CK_RV rv = f->C_GetSlotList(CK_TRUE, slots.data(), &slot_count); rv != CKR_OK) {
    return fail(ck_error("C_GetSlotList", rv, module.string()));
  }
  slots.resize(slot_count);
  std::vector<std::string> present;
  bool found = false;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    std::string label = padded_text(info.label, sizeof info.label);
    if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;  // SoftHSM's free slot has no token yet
    if (label == token_label) {
      state->slot = slot;
      found = true;
      break;
    }
    present.push_back("'" + label + "'");
  }
  if (!found) {
    return fail(not_found(fmt::format("no PKCS#11 token labelled '{}' in {}; tokens present: {}", token_label,
                                      module.string(), present.empty() ? "none" : joined(present))));
  }
  if (CK_RV rv = f->C_OpenSession(state->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &state->session);
      rv != CKR_OK) {
    state->session = CK_INVALID_HANDLE;
    return fail(ck_error("C_OpenSession", rv, fmt::format("token '{}'", token_label)));
  }
  const auto digest = pin_digest(user_pin);
  auto refused = [&](std::string_view why) {
    return fail(refusal(ErrorCode::kUnauthenticated, "token_pin_refused",
                        fmt::format("token '{}' refused the user PIN ({})", token_label, why)));
  };
  Module& shared = modules()[state->module];
  if (auto login = shared.logins.find(state->slot); login != shared.logins.end()) {
    if (CRYPTO_memcmp(login->second.pin_digest.data(), digest.data(), digest.size()) != 0) {
      return refused("not the PIN this process is logged in with");
    }
  } else {
    std::string pin(user_pin);
    CK_RV rv = f->C_Login(state->session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    OPENSSL_cleanse(pin.data(), pin.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
      return refused(fmt::format("C_Login: {}", ckr_name(rv)));
    }
    if (rv == CKR_PIN_LOCKED) {
      return fail(refusal(ErrorCode::kUnauthenticated, "token_pin_locked",
                          fmt::format("token '{}' has locked its user PIN (C_Login: {})", token_label, ckr_name(rv))));
    }
    // CKR_USER_ALREADY_LOGGED_IN here: someone else in this process logged in to the token.
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
      return fail(ck_error("C_Login", rv, fmt::format("token '{}'", token_label)));
    }
    shared.logins[state->slot].pin_digest = digest;
  }
  state->logged_in = true;
  ++shared.logins[state->slot].tokens;
  return Pkcs11Token(std::move(state));
}

Pkcs11Token::Pkcs11Token(std::unique_ptr<State> state) : state_(std::move(state)) {}
Pkcs11Token::Pkcs11Token(Pkcs11Token&&) noexcept = default;
Pkcs11Token& Pkcs11Token::operator=(Pkcs11Token&& other) noexcept {
  if (this != &other) {
    Pkcs11Token dropped(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

Pkcs11Token::~Pkcs11Token() {
  if (!state_) return;
  std::lock_guard lock(modules_mutex());
  release_locked(state_->module, state_->slot, state_->session, state_->logged_in);
}

const std::string& Pkcs11Token::label() const { return state_->label; }

Status Pkcs11Token::generate_ec_key(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  EKTP_RETURN_IF_ERROR(state_->refuse_taken(key_label));
  std::string text(key_label);
  std::vector<std::uint8_t> params(std::begin(kP256Params), std::end(kP256Params));
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  CK_ATTRIBUTE public_template[] = {
      {CKA_TOKEN, &yes, sizeof yes},       {CKA_PRIVATE, &no, sizeof no},
      {CKA_VERIFY, &yes, sizeof yes},      {CKA_EC_PARAMS, params.data(), params.size()},
      {CKA_LABEL, text.data(), text.size()}, {CKA_ID, text.data(), text.size()},
  };
  CK_ATTRIBUTE private_template[] = {
      {CKA_TOKEN, &yes, sizeof yes},       {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes},   {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},        {CKA_LABEL, text.data(), text.size()},
      {CKA_ID, text.data(), text.size()},
  };
  CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_RV rv = state_->f->C_GenerateKeyPair(state_->session, &mechanism, public_template, std::size(public_template),
                                          private_template, std::size(private_template), &public_key, &private_key);
  if (rv != CKR_OK) return ck_error("C_GenerateKeyPair", rv, fmt::format("P-256 key pair '{}'", key_label));
  return {};
}

Status Pkcs11Token::generate_secret(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  EKTP_RETURN_IF_ERROR(state_->refuse_taken(key_label));
  std::string text(key_label);
  CK_OBJECT_CLASS object_class = CKO_SECRET_KEY;
  CK_KEY_TYPE key_type = CKK_GENERIC_SECRET;
  CK_ULONG length = kTokenSecretBytes;
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  CK_ATTRIBUTE attributes[] = {
      {CKA_CLASS, &object_class, sizeof object_class}, {CKA_KEY_TYPE, &key_type, sizeof key_type},
      {CKA_VALUE_LEN, &length, sizeof length},         {CKA_TOKEN, &yes, sizeof yes},
      {CKA_PRIVATE, &yes, sizeof yes},                 {CKA_SENSITIVE, &yes, sizeof yes},
      {CKA_EXTRACTABLE, &no, sizeof no},               {CKA_SIGN, &yes, sizeof yes},
      {CKA_LABEL, text.data(), text.size()},           {CKA_ID, text.data(), text.size()},
  };
  CK_MECHANISM mechanism = {CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_RV rv = state_->f->C_GenerateKey(state_->session, &mechanism, attributes, std::size(attributes), &key);
  if (rv != CKR_OK) return ck_error("C_GenerateKey", rv, fmt::format("generic secret '{}'", key_label));
  return {};
}

bool Pkcs11Token::has_key(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  auto found = state_->find_labelled(key_label, CK_UNAVAILABLE_INFORMATION);
  return found.has_value() && !found->empty();
}

Result<std::vector<std::uint8_t>> Pkcs11Token::public_key_der(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  EKTP_ASSIGN_OR_RETURN(auto key, state_->key(key_label, CKO_PUBLIC_KEY, "public key"));
  EKTP_ASSIGN_OR_RETURN(auto params, state_->attribute(key, CKA_EC_PARAMS, "CKA_EC_PARAMS"));
  EKTP_ASSIGN_OR_RETURN(auto point, state_->attribute(key, CKA_EC_POINT, "CKA_EC_POINT"));
  // CKA_EC_POINT is the DER OCTET STRING around the point; a few modules give the bare point.
  if (auto wrapped = parse_tlv(point); wrapped && wrapped->tag == 0x04) point = wrapped->value;
  if (point.empty() || point.front() != 0x04) {
    return make_error(ErrorCode::kInternal,
                      fmt::format("public key '{}' in token '{}' is not an uncompressed EC point", key_label, state_->label));
  }
  // SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier { id-ecPublicKey, ECParameters }, BIT STRING }
  std::vector<std::uint8_t> algorithm = encode_tlv(0x30, concat(encode_tlv(0x06, kEcPublicKeyOid), params));
  std::vector<std::uint8_t> bits = encode_tlv(0x03, concat(std::vector<std::uint8_t>{0x00}, point));
  std::vector<std::uint8_t> spki = encode_tlv(0x30, concat(algorithm, bits));
  const unsigned char* p = spki.data();
  EVP_PKEY* parsed = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (parsed == nullptr) {
    return make_error(ErrorCode::kInternal,
                      fmt::format("public key '{}' in token '{}' does not make a valid SubjectPublicKeyInfo",
                                  key_label, state_->label));
  }
  EVP_PKEY_free(parsed);
  return spki;
}

Result<std::vector<std::uint8_t>> Pkcs11Token::sign_digest(std::string_view key_label,
                                                           std::span<const std::uint8_t> sha256_digest) {
  if (sha256_digest.size() != kSha256DigestBytes) {
    return invalid_argument(fmt::format("an ECDSA digest must be the {} bytes of SHA-256, got {}", kSha256DigestBytes,
                                        sha256_digest.size()));
  }
  std::lock_guard lock(state_->mutex);
  EKTP_ASSIGN_OR_RETURN(auto key, state_->key(key_label, CKO_PRIVATE_KEY, "private key"));
  EKTP_ASSIGN_OR_RETURN(auto raw, state_->sign(CKM_ECDSA, key, sha256_digest, kSignatureBytesMax,
                                               fmt::format("ECDSA with '{}'", key_label)));
  // PKCS#11 gives r ‖ s, each as wide as the curve order; X.509 and CMS carry ECDSA-Sig-Value.
  if (raw.empty() || raw.size() % 2 != 0) {
    return make_error(ErrorCode::kInternal, fmt::format("token '{}' returned an ECDSA signature of {} bytes",
                                                        state_->label, raw.size()));
  }
  const int half = static_cast<int>(raw.size() / 2);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return make_error(ErrorCode::kInternal, "OpenSSL could not hold an ECDSA signature");
  }
  std::vector<std::uint8_t> der;
  const int der_len = i2d_ECDSA_SIG(sig, nullptr);
  if (der_len > 0) {
    der.resize(static_cast<std::size_t>(der_len));
    unsigned char* out = der.data();
    i2d_ECDSA_SIG(sig, &out);
  }
  ECDSA_SIG_free(sig);
  if (der.empty()) return make_error(ErrorCode::kInternal, "OpenSSL could not encode an ECDSA signature");
  return der;
}

Result<std::array<std::uint8_t, 32>> Pkcs11Token::hmac_sha256(std::string_view key_label,
                                                               std::span<const std::uint8_t> data) {
  std::lock_guard lock(state_->mutex);
  EKTP_ASSIGN_OR_RETURN(auto key, state_->key(key_label, CKO_SECRET_KEY, "secret key"));
  EKTP_ASSIGN_OR_RETURN(auto mac, state_->sign(CKM_SHA256_HMAC, key, data, 32, fmt::format("HMAC with '{}'", key_label)));
  if (mac.size() != 32) {
    return make_error(ErrorCode::kInternal,
                      fmt::format("token '{}' returned an HMAC-SHA-256 of {} bytes", state_->label, mac.size()));
  }
  std::array<std::uint8_t, 32> out{};
  std::copy(mac.begin(), mac.end(), out.begin());
  return out;
}

Result<std::vector<std::uint8_t>> Pkcs11Token::read_secret_value(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  EKTP_ASSIGN_OR_RETURN(auto key, state_->private_or_secret(key_label));
  CK_ATTRIBUTE query = {CKA_VALUE, nullptr, 0};
  CK_RV rv = state_->f->C_GetAttributeValue(state_->session, key, &query, 1);
  if (rv == CKR_ATTRIBUTE_SENSITIVE || (rv == CKR_OK && query.ulValueLen == CK_UNAVAILABLE_INFORMATION)) {
    return refusal(ErrorCode::kPermissionDenied, "key_not_extractable",
                   fmt::format("token '{}' refuses to reveal key '{}' (C_GetAttributeValue CKA_VALUE: {})",
                               state_->label, key_label, ckr_name(rv == CKR_OK ? CKR_ATTRIBUTE_SENSITIVE : rv)));
  }
  if (rv != CKR_OK) return ck_error("C_GetAttributeValue", rv, fmt::format("CKA_VALUE of '{}'", key_label));
  return state_->attribute(key, CKA_VALUE, "CKA_VALUE");
}

Result<KeyFlags> Pkcs11Token::key_flags(std::string_view key_label) {
  std::lock_guard lock(state_->mutex);
  EKTP_ASSIGN_OR_RETURN(auto key, state_->private_or_secret(key_label));
  CK_BBOOL sensitive = CK_FALSE, extractable = CK_FALSE, always_sensitive = CK_FALSE, never_extractable = CK_FALSE;
  CK_ATTRIBUTE query[] = {
      {CKA_SENSITIVE, &sensitive, sizeof sensitive},
      {CKA_EXTRACTABLE, &extractable, sizeof extractable},
      {CKA_ALWAYS_SENSITIVE, &always_sensitive, sizeof always_sensitive},
      {CKA_NEVER_EXTRACTABLE, &never_extractable, sizeof never_extractable},
  };
  if (CK_RV rv = state_->f->C_GetAttributeValue(state_->session, key, query, std::size(query)); rv != CKR_OK) {
    return ck_error("C_GetAttributeValue", rv, fmt::format("protection flags of '{}'", key_label));
  }
  return KeyFlags{.sensitive = sensitive == CK_TRUE,
                  .extractable = extractable == CK_TRUE,
                  .always_sensitive = always_sensitive == CK_TRUE,
                  .never_extractable = never_extractable == CK_TRUE};
}

}  // namespace ektp::card
