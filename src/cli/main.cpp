// ektp: the population registry and e-KTP platform, one binary with several roles.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace ektp::cli {
int& exit_code() {
  static int code = 0;
  return code;
}
}  // namespace ektp::cli

int main(int argc, char** argv) {
  CLI::App app{"ektp: population registry and e-KTP platform"};
  app.require_subcommand(1);
  ektp::cli::register_nik_commands(app);
  ektp::cli::register_serve_commands(app);
  ektp::cli::register_admin_commands(app);
  ektp::cli::register_user_commands(app);
  ektp::cli::register_abis_commands(app);
  ektp::cli::register_photo_commands(app);
  ektp::cli::register_station_commands(app);
  ektp::cli::register_card_commands(app);
  ektp::cli::register_suket_commands(app);
  ektp::cli::register_match_commands(app);
  ektp::cli::register_chip_commands(app);
  ektp::cli::register_chip_issuer_commands(app);
  ektp::cli::register_chip_reader_commands(app);
  ektp::cli::register_chip_print_commands(app);
  CLI11_PARSE(app, argc, argv);
  return ektp::cli::exit_code();
}
