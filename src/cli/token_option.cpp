#include "cli/token_option.h"

#include <CLI/CLI.hpp>

#include "card/token_pin.h"

namespace ektp::cli {

void add_token_options(CLI::App& command, TokenOptions& options, bool required) {
  command.add_option("--token-module", options.module, "the PKCS#11 module")->capture_default_str();
  auto* label = command.add_option("--token-label", options.label, "the PKCS#11 token holding the keys");
  if (required) label->required();
  command.add_option("--pin-file", options.pin_file,
                     "the token's user PIN, in a file of mode 0600 (else $EKTP_TOKEN_PIN)");
}

Result<card::Pkcs11Token> open_token(const TokenOptions& options) {
  std::optional<std::filesystem::path> pin_file;
  if (!options.pin_file.empty()) pin_file = options.pin_file;
  EKTP_ASSIGN_OR_RETURN(auto pin, card::read_token_pin(pin_file));
  auto token = card::Pkcs11Token::open(options.module, options.label, pin);
  std::fill(pin.begin(), pin.end(), '\0');
  return token;
}

}  // namespace ektp::cli
