// Registration of the `ektp` subcommand groups. Each register_* adds its subcommands to the app
// and sets their callbacks; a callback's exit status goes through `exit_code`.
#pragma once

#include <filesystem>

namespace CLI {
class App;
}

namespace ektp::cli {

// The process exit status chosen by the last command that ran (0 = success).
int& exit_code();

void register_nik_commands(CLI::App& app);
void register_serve_commands(CLI::App& app);
void register_admin_commands(CLI::App& app);
void register_user_commands(CLI::App& app);
void register_abis_commands(CLI::App& app);
void register_photo_commands(CLI::App& app);
void register_station_commands(CLI::App& app);
void register_card_commands(CLI::App& app);
void register_suket_commands(CLI::App& app);
void register_match_commands(CLI::App& app);  // bulk matching (pemadanan)
void register_chip_commands(CLI::App& app);  // after register_card_commands: adds to `card`
void register_chip_issuer_commands(CLI::App& app);  // likewise
void register_chip_reader_commands(CLI::App& app);  // likewise
void register_chip_print_commands(CLI::App& app);   // likewise

// ./web when run from the checkout, else the source tree's web/ (empty if neither exists).
std::filesystem::path default_web_root();

}  // namespace ektp::cli
