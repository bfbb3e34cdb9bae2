// The chip from the command line (card/chip_card.h, card/vpcd_card.h, card/pcsc_reader.h):
//   ektp card emulate (--specimen | --db URL --nik NIK | --blank --serial HEX16 --perso-key-file F)
//                     [--state FILE] [--vpcd 127.0.0.1:35963]
//        inserts a virtual e-KTP chip into pcscd's vpcd reader until stopped (SIGINT/SIGTERM) and
//        prints its serial and MRZ; --specimen: ICAO 9303's TD1 specimen (ERIKSSON ANNA MARIA) with
//        EF.COM, DG1 and a DG3 only an authorised terminal may read; --nik: the resident's printed
//        card (DG1, DG11–DG13 from the registry; not yet signed: EF.SOD comes with the HSM) — both
//        personalised and locked already, with a random serial and terminal key; --blank: a blank
//        card as the factory makes it, with that serial and K_perso from F (64 hex characters, a
//        file of mode 0600), for an issuer to personalise (needs --state); --state FILE: keeps the
//        card in FILE (written when made, read when given alone, and written again before answering
//        a command that changed the card), so it survives a restart; a changed or cut file is
//        refused
//   ektp card read [--reader NAME] --mrz "LINE1LINE2LINE3"
//        opens the card in a PC/SC reader with BAC from its MRZ and prints EF.COM and DG1 as JSON;
//        exit 0, or 1 naming what failed
// Personalising a registry person's card comes with the signed EF.SOD.
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
#include "card/card_face_source.h"
#include "card/lds_files.h"
#include "card/lds_personal.h"
#include "card/print_queue.h"
#include "core/region.h"
#include "registry/person_store.h"
#include "store/migrations.h"
#include "card/mrz.h"
#include "card/pcsc_reader.h"
#include "card/vpcd_card.h"
#include "cli/commands.h"
#include "cli/database_option.h"

namespace ektp::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

struct ChipOptions {
  bool specimen = false;
  bool blank = false;
  std::string serial;
  std::string perso_key_file;
  std::string db;
  std::string nik;
  std::string state;
  std::string vpcd = "127.0.0.1:35963";
  std::string reader;
  std::string mrz;
};

const std::array<std::string, 3> kSpecimenMrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                                 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

card::ChipCard::Random system_random() {
  return [] {
    card::Bytes8 b{};
    std::random_device device;
    for (auto& x : b) x = static_cast<std::uint8_t>(device());
    return b;
  };
}

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

// The chip of a resident's printed card: their newest printed or collected request's blanko number
// and date, and the card face of that day.
Result<card::ChipContents> resident_contents(const ChipOptions& o) {
  EKTP_ASSIGN_OR_RETURN(auto db, open_database(o.db));
  EKTP_RETURN_IF_ERROR(store::migrate(*db, store::registry_migrations()));
  return store::with_read_transaction<card::ChipContents>(*db, [&](store::Connection& c) -> Result<card::ChipContents> {
    EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, o.nik));
    EKTP_ASSIGN_OR_RETURN(auto requests, card::print_requests_of(c, o.nik));
    const card::PrintRequest* printed = nullptr;
    for (const auto& r : requests) {
      if ((r.status == card::PrintStatus::kPrinted || r.status == card::PrintStatus::kCollected) && r.revoked_at_ms == 0) {
        printed = &r;
        break;
      }
    }
    if (printed == nullptr) {
      return make_error(ErrorCode::kFailedPrecondition, fmt::format("NIK {} has no printed card (not revoked)", o.nik));
    }
    const CivilDate issued = jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(printed->printed_at_ms)));
    EKTP_ASSIGN_OR_RETURN(auto face, card::card_face_for(c, RegionDirectory::builtin(), o.nik, issued));
    const card::ChipIssue issue{printed->blanko_serial, issued, printed->office};
    EKTP_ASSIGN_OR_RETURN(auto mrz, card::ektp_mrz(person, issue));
    card::ChipContents contents = personalised_card();
    contents.mrz = mrz;
    contents.files[card::kEfComId] = card::encode_ef_com({"0107", "040000", {1, 11, 12, 13}});
    contents.files[card::data_group_file_id(1)] = card::encode_dg1(mrz);
    contents.files[card::data_group_file_id(11)] = card::encode_dg11(person, face);
    contents.files[card::data_group_file_id(12)] = card::encode_dg12(issue, face);
    contents.files[card::data_group_file_id(13)] = card::encode_dg13(face);
    return contents;
  });
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
  const int sources = (o.specimen ? 1 : 0) + (o.nik.empty() ? 0 : 1) + (o.blank ? 1 : 0);
  if (sources > 1 || (sources == 0 && o.state.empty())) {
    return report(Error{ErrorCode::kInvalidArgument,
                        "--specimen, --db and --nik, --blank with --serial, --perso-key-file and --state, or --state FILE alone"});
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
                  : !o.nik.empty() ? resident_contents(o)
                  : o.blank        ? blank_contents(o)
                                   : card::load_chip_state(o.state);
  if (!contents) return report(contents.error());
  if (sources == 1 && !o.state.empty()) {
    if (auto saved = card::save_chip_state(o.state, *contents); !saved) return report(saved.error());
  }
  const std::string serial_text = card::hex_of(contents->serial);
  const std::string mrz_text = contents->mrz ? (*contents->mrz)[0] + (*contents->mrz)[1] + (*contents->mrz)[2] : "";
  const bool blank = !contents->locked;
  auto chip = card::ChipCard::make(std::move(*contents), system_random());
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

int run_read(const ChipOptions& o) {
  if (o.mrz.size() != 90) return report(Error{ErrorCode::kInvalidArgument, "--mrz: the 90 characters of the TD1 MRZ"});
  const std::array<std::string, 3> mrz = {o.mrz.substr(0, 30), o.mrz.substr(30, 30), o.mrz.substr(60, 30)};
  if (auto checked = card::decode_td1(mrz); !checked) return report(checked.error());
  auto pcsc = card::PcscCard::connect(o.reader);
  if (!pcsc) return report(pcsc.error());
  card::ChipReader reader([&](std::span<const std::uint8_t> apdu) { return (*pcsc)->transmit(apdu); }, system_random());
  if (auto opened = reader.open(mrz); !opened) return report(opened.error());
  auto com_bytes = reader.read_file(card::kEfComId);
  if (!com_bytes) return report(com_bytes.error());
  auto com = card::parse_ef_com(*com_bytes);
  if (!com) return report(com.error());
  auto dg1_bytes = reader.read_file(card::data_group_file_id(1));
  if (!dg1_bytes) return report(dg1_bytes.error());
  auto dg1 = card::parse_dg1(*dg1_bytes);
  if (!dg1) return report(dg1.error());
  boost::json::array groups;
  for (int g : com->groups) groups.push_back(g);
  boost::json::object refused;
  boost::json::object personal;
  for (int g : com->groups) {
    if (g == 1) continue;
    auto other = reader.read_file(card::data_group_file_id(g));
    refused[fmt::format("dg{}", g)] = other ? boost::json::value(static_cast<std::int64_t>(other->size()))
                                            : boost::json::value(other.error().message);
    if (g == 11 && other) {
      if (auto dg11 = card::parse_tlv(*other); dg11) {
        for (auto [tag, key] : {std::pair{0x5F0Eu, "name"}, std::pair{0x5F10u, "nik"}, std::pair{0x5F2Bu, "birth_date"}}) {
          if (const auto* t = dg11->find(tag)) personal[key] = std::string(t->value.begin(), t->value.end());
        }
      }
    }
  }
  std::cout << boost::json::serialize(boost::json::object{{"reader", (*pcsc)->reader()},
                                                          {"bac", "ok"},
                                                          {"lds_version", com->lds_version},
                                                          {"groups", groups},
                                                          {"dg1_mrz", boost::json::array{(*dg1)[0], (*dg1)[1], (*dg1)[2]}},
                                                          {"other_groups", refused},
                                                          {"dg11", personal}})
            << "\n";
  return 0;
}

}  // namespace

void register_chip_commands(CLI::App& app) {
  auto o = std::make_shared<ChipOptions>();
  CLI::App* card = app.get_subcommand("card");
  auto* emulate = card->add_subcommand("emulate", "insert a virtual e-KTP chip into pcscd's vpcd reader");
  emulate->add_flag("--specimen", o->specimen, "the ICAO 9303 TD1 specimen card");
  emulate->add_option("--db", o->db, "the registry (with --nik)");
  emulate->add_option("--nik", o->nik, "a resident whose card was printed");
  emulate->add_flag("--blank", o->blank, "a blank card for an issuer to personalise (with --serial, --perso-key-file, --state)");
  emulate->add_option("--serial", o->serial, "the blank card's chip serial (16 hex characters)");
  emulate->add_option("--perso-key-file", o->perso_key_file, "file (mode 0600) holding the blank card's K_perso (64 hex characters)");
  emulate->add_option("--state", o->state, "keep the card in this file (read it when given alone)");
  emulate->add_option("--vpcd", o->vpcd, "vpcd's address")->capture_default_str();
  emulate->callback([o] { exit_code() = run_emulate(*o); });
  auto* read = card->add_subcommand("read", "read a chip through PC/SC with BAC from its MRZ");
  read->add_option("--reader", o->reader, "the PC/SC reader (default: the first with a card)");
  read->add_option("--mrz", o->mrz, "the card's MRZ, its three lines joined (90 characters)")->required();
  read->callback([o] { exit_code() = run_read(*o); });
}

}  // namespace ektp::cli
