// The chip issuer from the command line (card/chip_issuer.h), keys in a PKCS#11 token:
//   ektp card issuer init --db URL --token-label L [--pin-file F] [--csca-out FILE]
//        makes the CSCA key and certificate and the two master secrets in the token (once) and
//        writes the CSCA certificate (PEM) for verifiers' trusted lists
//   ektp card issuer csca --db URL [--out FILE]       the CSCA certificates, PEM
//   ektp card issuer status --db URL                  certificates and their signature counts, JSON
//   ektp card issuer revocations --db URL --token-label L --out FILE [--valid-days N]
//        the signed list of revoked chips (lost, stolen, damaged, replaced) readers cache
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/private_file.h"
#include "card/chip_certificates.h"
#include "card/chip_issuer.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/token_option.h"
#include "cli/wall_clock.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

struct IssuerOptions {
  std::string db;
  TokenOptions token;
  std::string out;
  int valid_days = 7;
};

Result<std::unique_ptr<store::Database>> migrated(const std::string& url) {
  EKTP_ASSIGN_OR_RETURN(auto db, open_database(url));
  EKTP_RETURN_IF_ERROR(store::migrate(*db, store::registry_migrations()));
  return db;
}

// Public files (certificates, the signed list) are written whole, by rename.
Status write_public_file(const std::string& path, const std::string& text) { return access::replace_file(path, text, 0644); }

Result<std::string> csca_pem(store::Database& db) {
  auto all = store::with_read_transaction<std::vector<card::ChipCertificate>>(
      db, [](store::Connection& c) { return card::csca_certificates(c); });
  if (!all) return std::unexpected(all.error());
  if (all->empty()) return failed_precondition("no CSCA yet: run `ektp card issuer init` first");
  std::string pem;
  for (const auto& c : *all) pem += card::pem_of_certificate(c.certificate);
  return pem;
}

int run_init(const IssuerOptions& o) {
  auto db = migrated(o.db);
  if (!db) return report(db.error());
  auto token = open_token(o.token);
  if (!token) return report(token.error());
  card::ChipIssuer issuer(*token, **db, "cli.issuer");
  auto csca = issuer.initialise(wall_seconds());
  if (!csca) return report(csca.error());
  if (!o.out.empty()) {
    if (auto written = write_public_file(o.out, card::pem_of_certificate(csca->certificate)); !written) {
      return report(written.error());
    }
  }
  std::cout << boost::json::serialize(boost::json::object{{"csca", card::certificate_subject(csca->certificate)},
                                                          {"token", token->label()},
                                                          {"not_after", csca->not_after_s}})
            << "\n";
  return 0;
}

int run_csca(const IssuerOptions& o) {
  auto db = migrated(o.db);
  if (!db) return report(db.error());
  auto pem = csca_pem(**db);
  if (!pem) return report(pem.error());
  if (o.out.empty()) {
    std::cout << *pem;
    return 0;
  }
  if (auto written = write_public_file(o.out, *pem); !written) return report(written.error());
  return 0;
}

int run_status(const IssuerOptions& o) {
  auto db = migrated(o.db);
  if (!db) return report(db.error());
  auto rows = store::with_read_transaction<store::QueryResult>(**db, [](store::Connection& c) {
    return c.execute("SELECT label, kind, period, not_before_s, not_after_s, signatures FROM chip_certificates "
                     "ORDER BY kind, not_before_s");
  });
  if (!rows) return report(rows.error());
  boost::json::array out;
  for (const auto& r : rows->rows) {
    out.push_back(boost::json::object{{"label", r.text(0)}, {"kind", r.text(1)}, {"period", r.text(2)},
                                      {"not_before", r.integer(3)}, {"not_after", r.integer(4)},
                                      {"signatures", r.integer(5)}});
  }
  std::cout << boost::json::serialize(boost::json::object{{"certificates", out}}) << "\n";
  return 0;
}

int run_revocations(const IssuerOptions& o) {
  if (o.valid_days < 1 || o.valid_days > 31) return report(Error{ErrorCode::kInvalidArgument, "--valid-days: 1 to 31"});
  auto db = migrated(o.db);
  if (!db) return report(db.error());
  auto token = open_token(o.token);
  if (!token) return report(token.error());
  card::ChipIssuer issuer(*token, **db, "cli.issuer");
  auto list = issuer.revocation_list(wall_seconds(), std::int64_t{o.valid_days} * 86400);
  if (!list) return report(list.error());
  if (auto written = write_public_file(o.out, *list); !written) return report(written.error());
  return 0;
}

}  // namespace

void register_chip_issuer_commands(CLI::App& app) {
  auto o = std::make_shared<IssuerOptions>();
  CLI::App* card = app.get_subcommand("card");
  auto* issuer = card->add_subcommand("issuer", "the chip's signing keys (CSCA, Document Signers) in a PKCS#11 token");
  issuer->require_subcommand(1);
  auto* init = issuer->add_subcommand("init", "make the CSCA and the master keys in the token, once");
  add_database_option(*init, o->db);
  add_token_options(*init, o->token);
  init->add_option("--csca-out", o->out, "write the CSCA certificate (PEM) here");
  init->callback([o] { exit_code() = run_init(*o); });
  auto* csca = issuer->add_subcommand("csca", "the CSCA certificates (PEM): a verifier's trusted list");
  add_database_option(*csca, o->db);
  csca->add_option("--out", o->out, "write them here instead of to standard output");
  csca->callback([o] { exit_code() = run_csca(*o); });
  auto* status = issuer->add_subcommand("status", "the certificates and how many signatures each key made");
  add_database_option(*status, o->db);
  status->callback([o] { exit_code() = run_status(*o); });
  auto* revocations = issuer->add_subcommand("revocations", "sign the list of revoked chips");
  add_database_option(*revocations, o->db);
  add_token_options(*revocations, o->token);
  revocations->add_option("--out", o->out, "where to write the signed list")->required();
  revocations->add_option("--valid-days", o->valid_days, "days until readers should fetch a newer one")
      ->capture_default_str();
  revocations->callback([o] { exit_code() = run_revocations(*o); });
}

}  // namespace ektp::cli
