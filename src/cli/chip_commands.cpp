// The virtual chip from the command line (card/chip_card.h, card/vpcd_card.h):
//   ektp card manufacture --state FILE --token-label L [--pin-file F] [--serial HEX16]
//        makes a blank chip as the card factory does: a random (or given) serial and its K_perso
//        derived in the token from the personalisation master (card/chip_issuer.h), kept in FILE
//        (mode 0600; an existing file is never overwritten)
//   ektp card emulate (--specimen | --blank --serial HEX16 --perso-key-file F | --state FILE)
//                     [--state FILE] [--vpcd 127.0.0.1:35963]
//        inserts a virtual e-KTP chip into pcscd's vpcd reader until stopped (SIGINT/SIGTERM) and
//        prints its serial and MRZ; --specimen: ICAO 9303's TD1 specimen (ERIKSSON ANNA MARIA) with
//        EF.COM, DG1 and a DG3 only an authorised terminal may read, personalised and locked
//        already; --blank: a blank card with that serial and K_perso from F (64 hex characters, a
//        file of mode 0600), for an issuer to personalise (needs --state); --state FILE alone: the
//        card kept in FILE (a blank one from `manufacture`, or one personalised since), written
//        again before answering any command that changed the card, so it survives a restart; a
//        changed or cut file is refused.
// Personalising (`ektp card personalise`) and reading (`ektp card read|verify`) are in
// chip_print_commands.cpp and chip_reader_commands.cpp.
#include <atomic>
#include <csignal>
#include <random>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <boost/json.hpp>

#include <sys/stat.h>

#include "access/private_file.h"
#include "card/ber_tlv.h"
#include "card/byte_text.h"
#include "card/chip_card.h"
#include "card/chip_personaliser.h"
#include "card/chip_state.h"
#include "card/lds_files.h"
#include "card/mrz.h"
#include "card/vpcd_card.h"
#include "cli/commands.h"
#include "card/chip_issuer.h"
#include "cli/database_option.h"
#include "cli/token_option.h"

namespace ektp::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

struct ChipOptions {
  bool specimen = false;
  bool blank = false;
  std::string serial;
  std::string perso_key_file;
  std::string state;
  std::string vpcd = "127.0.0.1:35963";
  TokenOptions token;
};

const std::array<std::string, 3> kSpecimenMrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                                 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

template <std::size_t N>
std::array<std::uint8_t, N> random_bytes() {
  std::array<std::uint8_t, N> out{};
  std::random_device device;
  for (auto& x : out) x = static_cast<std::uint8_t>(device());
  return out;
}

// A card personalised at the factory's and the issuer's already: a random serial and terminal
// key, locked (no K_perso any more).
card::ChipContents personalised_card() {
  card::ChipContents contents;
  contents.serial = random_bytes<card::kChipSerialBytes>();
  contents.terminal_key = random_bytes<32>();
  contents.locked = true;
  return contents;
}

card::ChipContents specimen_contents() {
  card::ChipContents contents = personalised_card();
  contents.mrz = kSpecimenMrz;
  contents.files[card::kEfComId] = card::encode_ef_com({"0107", "040000", {1, 3}});
  contents.files[card::data_group_file_id(1)] = card::encode_dg1(kSpecimenMrz);
  contents.files[card::data_group_file_id(3)] = card::encode_tlv(0x63, std::vector<std::uint8_t>(16, 0));
  contents.terminal_only.insert(card::data_group_file_id(3));
  return contents;
}

// A blank card: --serial (16 hex characters) and K_perso from --perso-key-file (64 hex
// characters; the file of mode 0600).
Result<card::ChipContents> blank_contents(const ChipOptions& o) {
  std::string serial_hex = o.serial;
  for (auto& c : serial_hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto serial = card::bytes_of_hex(serial_hex, card::kChipSerialBytes);
  if (!serial) return invalid_argument("--serial: the chip serial, 16 hex characters");
  struct stat info {};
  if (::stat(o.perso_key_file.c_str(), &info) != 0) {
    return not_found(fmt::format("--perso-key-file {}: cannot be read", o.perso_key_file));
  }
  if ((info.st_mode & 077) != 0) {
    return refusal(ErrorCode::kPermissionDenied, "key_file_mode",
                   fmt::format("--perso-key-file {}: readable by others; chmod 600 it", o.perso_key_file));
  }
  EKTP_ASSIGN_OR_RETURN(auto text, access::read_small_file(o.perso_key_file, 256));
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto key = card::bytes_of_hex(text, 32);
  if (!key) return invalid_argument(fmt::format("--perso-key-file {}: K_perso, 64 hex characters", o.perso_key_file));
  card::ChipSerial s{};
  std::copy(serial->begin(), serial->end(), s.begin());
  card::Key32 k{};
  std::copy(key->begin(), key->end(), k.begin());
  return card::manufacture_blank_card(s, k);
}

int run_emulate(const ChipOptions& o) {
  const int sources = (o.specimen ? 1 : 0) + (o.blank ? 1 : 0);
  if (sources > 1 || (sources == 0 && o.state.empty())) {
    return report(Error{ErrorCode::kInvalidArgument,
                        "--specimen, --blank with --serial, --perso-key-file and --state, or --state FILE alone"});
  }
  if (o.blank && (o.serial.empty() || o.perso_key_file.empty() || o.state.empty())) {
    return report(Error{ErrorCode::kInvalidArgument, "--blank needs --serial, --perso-key-file and --state"});
  }
  if (!o.blank && (!o.serial.empty() || !o.perso_key_file.empty())) {
    return report(Error{ErrorCode::kInvalidArgument, "--serial and --perso-key-file go with --blank"});
  }
  const auto colon = o.vpcd.rfind(':');
  if (colon == std::string::npos) return report(Error{ErrorCode::kInvalidArgument, "--vpcd HOST:PORT"});
  auto contents = o.specimen        ? Result<card::ChipContents>(specimen_contents())
                  : o.blank        ? blank_contents(o)
                                   : card::load_chip_state(o.state);
  if (!contents) return report(contents.error());
  if (sources == 1 && !o.state.empty()) {
    if (auto saved = card::save_chip_state(o.state, *contents); !saved) return report(saved.error());
  }
  const std::string serial_text = card::hex_of(contents->serial);
  const std::string mrz_text = contents->mrz ? (*contents->mrz)[0] + (*contents->mrz)[1] + (*contents->mrz)[2] : "";
  const bool blank = !contents->locked;
  auto chip = card::ChipCard::make(std::move(*contents), card::system_chip_random());
  if (!chip) return report(chip.error());
  // What personalisation changed is on disk before the issuer hears 9000.
  const card::AfterCommand store = [&]() -> Status {
    if (!chip->dirty()) return {};
    if (!o.state.empty()) {
      EKTP_RETURN_IF_ERROR(card::save_chip_state(o.state, chip->contents()));
    }
    chip->mark_saved();
    return {};
  };
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::cout << "emulating " << (blank ? "a blank" : "an") << " e-KTP chip on vpcd " << o.vpcd << "; its serial: " << serial_text;
  if (!mrz_text.empty()) std::cout << "; its MRZ: " << mrz_text;
  std::cout << std::endl;
  while (!g_stop) {
    auto served = card::serve_vpcd(o.vpcd.substr(0, colon), static_cast<std::uint16_t>(std::stoi(o.vpcd.substr(colon + 1))),
                                   *chip, g_stop, store);
    if (!served) return report(served.error());
  }
  return 0;
}

int run_manufacture(const ChipOptions& o) {
  card::ChipSerial serial = random_bytes<card::kChipSerialBytes>();
  if (!o.serial.empty()) {
    auto given = card::bytes_of_hex(o.serial, card::kChipSerialBytes);
    if (!given) return report(Error{ErrorCode::kInvalidArgument, "--serial: the chip serial, 16 lower-case hex characters"});
    std::copy(given->begin(), given->end(), serial.begin());
  }
  std::error_code ec;
  if (std::filesystem::exists(o.state, ec)) {
    return report(Error{ErrorCode::kAlreadyExists, fmt::format("--state {}: a card is there already", o.state)});
  }
  auto token = open_token(o.token);
  if (!token) return report(token.error());
  auto perso_key = card::diversified_key(*token, card::kPersoMasterLabel, card::kPersoKeyLabel, serial);
  if (!perso_key) return report(perso_key.error());
  if (auto saved = card::save_chip_state(o.state, card::manufacture_blank_card(serial, *perso_key)); !saved) {
    return report(saved.error());
  }
  std::cout << boost::json::serialize(boost::json::object{{"chip_serial", card::hex_of(serial)}, {"state", o.state}})
            << "\n";
  return 0;
}

}  // namespace

void register_chip_commands(CLI::App& app) {
  auto o = std::make_shared<ChipOptions>();
  CLI::App* card = app.get_subcommand("card");
  auto* emulate = card->add_subcommand("emulate", "insert a virtual e-KTP chip into pcscd's vpcd reader");
  emulate->add_flag("--specimen", o->specimen, "the ICAO 9303 TD1 specimen card");
  emulate->add_flag("--blank", o->blank, "a blank card for an issuer to personalise (with --serial, --perso-key-file, --state)");
  emulate->add_option("--serial", o->serial, "the blank card's chip serial (16 hex characters)");
  emulate->add_option("--perso-key-file", o->perso_key_file, "file (mode 0600) holding the blank card's K_perso (64 hex characters)");
  emulate->add_option("--state", o->state, "keep the card in this file (read it when given alone)");
  emulate->add_option("--vpcd", o->vpcd, "vpcd's address")->capture_default_str();
  emulate->callback([o] { exit_code() = run_emulate(*o); });
  auto* manufacture = card->add_subcommand("manufacture", "make a blank chip (serial and K_perso) in a state file");
  manufacture->add_option("--state", o->state, "where the blank chip is kept (a new file)")->required();
  manufacture->add_option("--serial", o->serial, "its chip serial (16 hex characters; default random)");
  add_token_options(*manufacture, o->token);
  manufacture->callback([o] { exit_code() = run_manufacture(*o); });
}

}  // namespace ektp::cli
