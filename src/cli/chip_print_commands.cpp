// Personalising chips at the print step (card/chip_production.h), keys in a PKCS#11 token:
//   ektp card personalise --db URL --token-label L [--pin-file F] [--reader NAME] --by USER
//                         (--request ID | --next --office CODE)
//        writes the printed request's LDS (signed EF.SOD) to the blank chip in the PC/SC reader,
//        locks it, reads it back and checks it, and records chip serial ↔ blanko ↔ NIK; --next
//        prints the office's next card first and spoils its blanko when the chip fails. Prints
//        JSON: the chip serial, blanko, NIK, Document Signer, the MRZ that opens the chip, the
//        number of APDUs and the seconds it took.
#include <chrono>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "card/chip_production.h"
#include "card/pcsc_reader.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/token_option.h"
#include "cli/wall_clock.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

struct PrintOptions {
  std::string db;
  TokenOptions token;
  std::string reader;
  std::string by;
  std::int64_t request = 0;
  bool next = false;
  std::string office;
};

int run_personalise(const PrintOptions& o) {
  if ((o.request > 0) == o.next || (o.next && o.office.empty())) {
    return report(Error{ErrorCode::kInvalidArgument, "--request ID, or --next with --office CODE"});
  }
  const auto started = std::chrono::steady_clock::now();
  auto db = open_database(o.db);
  if (!db) return report(db.error());
  if (auto migrated = store::migrate(**db, store::registry_migrations()); !migrated) return report(migrated.error());
  auto token = open_token(o.token);
  if (!token) return report(token.error());
  auto pcsc = card::PcscCard::connect(o.reader);
  if (!pcsc) return report(pcsc.error());
  card::ChipIssuer issuer(*token, **db, o.by);
  auto* reader = pcsc->get();
  const card::ChipReader::Transmit transmit = [reader](std::span<const std::uint8_t> apdu) { return reader->transmit(apdu); };
  auto chip = o.next ? card::print_and_personalise_next(issuer, **db, {o.office, o.by, wall_ms()}, transmit, card::system_chip_random())
                     : card::personalise_request(issuer, **db, o.request, transmit, card::system_chip_random(), o.by, wall_ms());
  if (!chip) return report(chip.error());
  std::cout << boost::json::serialize(boost::json::object{
                   {"chip_serial", chip->record.chip_serial},
                   {"blanko_serial", chip->record.blanko_serial},
                   {"nik", chip->record.nik},
                   {"print_request", chip->record.print_request},
                   {"document_signer", chip->record.document_signer},
                   {"mrz", chip->mrz[0] + chip->mrz[1] + chip->mrz[2]},
                   {"apdus_written", chip->apdus_written},
                   {"apdus_read", chip->apdus_read},
                   {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}})
            << "\n";
  return 0;
}

}  // namespace

void register_chip_print_commands(CLI::App& app) {
  auto o = std::make_shared<PrintOptions>();
  CLI::App* card = app.get_subcommand("card");
  auto* personalise = card->add_subcommand("personalise", "write a printed card's chip (signed LDS) and check it");
  add_database_option(*personalise, o->db);
  add_token_options(*personalise, o->token);
  personalise->add_option("--reader", o->reader, "the PC/SC reader holding the blank chip (default: the first with a card)");
  personalise->add_option("--by", o->by, "username of who prints")->required();
  personalise->add_option("--request", o->request, "a printed request whose chip is not written yet");
  personalise->add_flag("--next", o->next, "print the office's next card, then write its chip");
  personalise->add_option("--office", o->office, "the printing office (with --next)");
  personalise->callback([o] { exit_code() = run_personalise(*o); });
}

}  // namespace ektp::cli
