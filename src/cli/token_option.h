// The PKCS#11 token options shared by the chip commands: --token-module (the PKCS#11 module,
// SoftHSM2 by default), --token-label (which token) and --pin-file (a file only its owner may
// read; otherwise the environment variable EKTP_TOKEN_PIN — never the command line).
#pragma once

#include <string>

#include "card/pkcs11_token.h"

namespace CLI {
class App;
}

namespace ektp::cli {

struct TokenOptions {
  std::string module = "/usr/lib/softhsm/libsofthsm2.so";
  std::string label;
  std::string pin_file;
};

// `required`: --token-label must be given.
void add_token_options(CLI::App& command, TokenOptions& options, bool required = true);
// Whether --token-label was given.
inline bool token_given(const TokenOptions& options) { return !options.label.empty(); }
Result<card::Pkcs11Token> open_token(const TokenOptions& options);

}  // namespace ektp::cli
