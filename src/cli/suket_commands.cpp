// SUKETs from the command line (card/suket_issue.h, card/suket_credential.h):
//   ektp suket issue --db URL --nik NIK --pdf OUT.pdf [--png OUT.png] [--by USER]
//        issues one and prints its QR text on stdout
//   ektp suket trust-list --db URL [--root | --superseded]
//        the signed trust list (each key's kid, alg, public key, validity), or the root key to pin,
//        or the signed superseded list
//   ektp suket verify INPUT (--db URL | --trust-list FILE --root-key KEY [--superseded FILE])
//        INPUT is a photo or scan of the paper (read with zxing), a file holding the QR text, or the
//        text itself; offline with the lists saved from `trust-list`. Prints the verdict as JSON;
//        exit 0 valid, 2 not valid (expired, superseded, unknown issuer, forged, malformed), 1 error.
// The keys live in the audit anchor's directory (--audit-anchor), as `ektp serve` keeps them.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "access/private_file.h"
#include "card/byte_text.h"
#include "card/qr_image_reader.h"
#include "card/suket_credential.h"
#include "card/suket_document.h"
#include "card/suket_issue.h"
#include "card/suket_keys.h"
#include "card/print_queue.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/wall_clock.h"
#include "core/civil_date.h"
#include "core/region.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

constexpr std::size_t kListFileBytesMax = 4u << 20;

struct SuketOptions {
  std::string db;
  std::string audit_anchor;
  std::string nik;
  std::string pdf;
  std::string png;
  std::string by = "cli";
  std::string public_url = "https://ektp.dukcapil.go.id";
  std::string input;
  std::string trust_list;
  std::string superseded;
  std::string root_key;
  bool root = false;
  bool superseded_list = false;
};

Result<std::string> read_file(const std::string& path, std::size_t bytes_max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path);
  std::string bytes;
  bytes.resize(bytes_max + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > bytes_max) return make_error(ErrorCode::kResourceExhausted, path + ": too large");
  return bytes;
}

Status write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return make_error(ErrorCode::kUnavailable, "cannot write " + path);
  return {};
}

struct Opened {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<card::SuketKeys> keys;
};

Result<Opened> open_with_keys(const SuketOptions& o, bool create_keys) {
  EKTP_ASSIGN_OR_RETURN(auto db, open_database(o.db));
  EKTP_RETURN_IF_ERROR(store::migrate(*db, store::registry_migrations()));
  EKTP_ASSIGN_OR_RETURN(auto anchor, open_audit_anchor(o.db, o.audit_anchor, create_keys));
  EKTP_ASSIGN_OR_RETURN(auto keys, card::SuketKeys::open(anchor.dir(), create_keys));
  return Opened{std::move(db), std::move(keys)};
}

int run_issue(const SuketOptions& o) {
  auto opened = open_with_keys(o, true);
  if (!opened) return report(opened.error());
  const auto at = wall_ms();
  if (auto queued = card::queue_ready_to_print(*opened->db, at); !queued) return report(queued.error());
  auto issued = card::issue_suket(*opened->db, *opened->keys, RegionDirectory::builtin(), o.nik, o.by, at);
  if (!issued) return report(issued.error());
  const std::string verify_url = o.public_url + "/verifikasi";
  auto pdf = card::render_suket_pdf(*issued, verify_url);
  if (!pdf) return report(pdf.error());
  if (auto w = write_file(o.pdf, *pdf); !w) return report(w.error());
  if (!o.png.empty()) {
    auto png = card::render_suket_png(*issued, verify_url);
    if (!png) return report(png.error());
    if (auto w = write_file(o.png, std::string_view(reinterpret_cast<const char*>(png->data()), png->size())); !w) {
      return report(w.error());
    }
  }
  std::cerr << "SUKET " << issued->record.id << " for " << o.nik << ", valid until "
            << format_civil_date(jakarta_date_of(std::chrono::system_clock::time_point(
                   std::chrono::seconds(issued->record.expires_at_s))))
            << ": " << o.pdf << "\n";
  std::cout << issued->record.qr_text << "\n";
  return 0;
}

int run_trust_list(const SuketOptions& o) {
  auto opened = open_with_keys(o, true);
  if (!opened) return report(opened.error());
  const auto& root = opened->keys->root().public_key();
  if (o.root) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"kid", card::key_id_hex(root)}, {"alg", "EdDSA"}, {"public_key", card::base64url_of(root)}})
              << "\n";
    return 0;
  }
  auto conn = opened->db->connect();
  if (!conn) return report(conn.error());
  const std::int64_t now_s = wall_ms() / 1000;
  Result<std::string> text = [&]() -> Result<std::string> {
    if (o.superseded_list) {
      EKTP_ASSIGN_OR_RETURN(auto list, card::superseded_list_of(**conn, now_s));
      return card::sign_superseded_list(list, opened->keys->root());
    }
    EKTP_ASSIGN_OR_RETURN(auto list, card::trust_list_of(**conn, now_s));
    return card::sign_trust_list(list, opened->keys->root());
  }();
  if (!text) return report(text.error());
  std::cout << *text << "\n";
  return 0;
}

// The QR text of INPUT: a picture's QR code, a file's text, or INPUT itself.
Result<std::string> qr_text_of(const std::string& input) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(input, ec)) return input;
  EKTP_ASSIGN_OR_RETURN(auto bytes, read_file(input, card::kQrImageBytesMax));
  auto text = card::read_qr_from_image(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  if (text) return text;
  if (text.error().reason != card::qr_reason::kNotAnImage) return text;  // a picture without a QR code
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.pop_back();
  return bytes;
}

int run_verify(const SuketOptions& o) {
  auto qr = qr_text_of(o.input);
  if (!qr) return report(qr.error());
  const std::int64_t now_s = wall_ms() / 1000;
  card::TrustList trust;
  std::optional<card::SupersededList> superseded;
  if (!o.db.empty()) {
    auto opened = open_with_keys(o, false);
    if (!opened) return report(opened.error());
    auto conn = opened->db->connect();
    if (!conn) return report(conn.error());
    auto list = card::trust_list_of(**conn, now_s);
    auto gone = card::superseded_list_of(**conn, now_s);
    if (!list) return report(list.error());
    if (!gone) return report(gone.error());
    trust = std::move(*list);
    superseded = std::move(*gone);
  } else {
    if (o.trust_list.empty() || o.root_key.empty()) {
      return report(Error{ErrorCode::kInvalidArgument, "offline: --trust-list FILE and --root-key KEY (or --db URL)"});
    }
    auto root_bytes = card::bytes_of_base64url(o.root_key, card::kEd25519PublicKeyBytes);
    if (!root_bytes) return report(Error{ErrorCode::kInvalidArgument, "--root-key: " + root_bytes.error().message});
    card::PublicKey root{};
    std::copy(root_bytes->begin(), root_bytes->end(), root.begin());
    auto list_text = read_file(o.trust_list, kListFileBytesMax);
    if (!list_text) return report(list_text.error());
    auto list = card::parse_trust_list(*list_text, root);
    if (!list) return report(list.error());
    trust = std::move(*list);
    if (!o.superseded.empty()) {
      auto gone_text = read_file(o.superseded, kListFileBytesMax);
      if (!gone_text) return report(gone_text.error());
      auto gone = card::parse_superseded_list(*gone_text, root);
      if (!gone) return report(gone.error());
      superseded = std::move(*gone);
    }
  }
  const auto verdict = card::verify_suket(*qr, trust, superseded ? &*superseded : nullptr, now_s);
  boost::json::object out{{"status", card::suket_status_name(verdict.status)},
                          {"reason", verdict.reason},
                          {"id", verdict.id},
                          {"kid", verdict.kid_hex}};
  if (verdict.claims) {
    const auto& c = *verdict.claims;
    out["claims"] = boost::json::object{{"nik", c.nik},
                                        {"full_name", c.full_name},
                                        {"birth_date", format_civil_date(c.birth_date)},
                                        {"gender", static_cast<int>(c.gender)},
                                        {"address", c.address},
                                        {"issuer", c.issuer},
                                        {"issued_at_s", c.issued_at_s},
                                        {"expires_at_s", c.expires_at_s},
                                        {"face_bytes", c.face ? c.face->image.size() : 0},
                                        {"card_ready_estimate", c.card_ready_estimate
                                                                    ? format_civil_date(*c.card_ready_estimate)
                                                                    : std::string()}};
  }
  std::cout << boost::json::serialize(out) << "\n";
  return verdict.status == card::SuketStatus::kValid ? 0 : 2;
}

}  // namespace

void register_suket_commands(CLI::App& app) {
  auto o = std::make_shared<SuketOptions>();
  auto* suket = app.add_subcommand("suket", "SUKET: issue one, print the trust list, verify one offline");
  suket->require_subcommand(1);

  auto* issue = suket->add_subcommand("issue", "issue a SUKET for a resident whose card is pending");
  add_database_option(*issue, o->db);
  add_audit_anchor_option(*issue, o->audit_anchor);
  issue->add_option("--nik", o->nik, "the resident's NIK")->required();
  issue->add_option("--pdf", o->pdf, "where to write the printable PDF")->required();
  issue->add_option("--png", o->png, "also write the page as a PNG");
  issue->add_option("--by", o->by, "who issues it (audited)")->capture_default_str();
  issue->add_option("--public-url", o->public_url, "where /verifikasi is, printed on the paper")->capture_default_str();
  issue->callback([o] { exit_code() = run_issue(*o); });

  auto* trust = suket->add_subcommand("trust-list", "the signed trust list of issuer keys (or the root, or superseded)");
  add_database_option(*trust, o->db);
  add_audit_anchor_option(*trust, o->audit_anchor);
  auto* root = trust->add_flag("--root", o->root, "print the root key a verifier pins instead");
  trust->add_flag("--superseded", o->superseded_list, "print the signed superseded list instead")->excludes(root);
  trust->callback([o] { exit_code() = run_trust_list(*o); });

  auto* verify = suket->add_subcommand("verify", "verify a SUKET: a photo or scan of it, a file with its QR text, or the text");
  verify->add_option("input", o->input, "picture, text file or QR text")->required();
  verify->add_option("--db", o->db, "verify against this registry's keys (database URL)");
  add_audit_anchor_option(*verify, o->audit_anchor);
  verify->add_option("--trust-list", o->trust_list, "offline: the signed trust list (from `ektp suket trust-list`)");
  verify->add_option("--root-key", o->root_key, "offline: the pinned root public key (base64url, `trust-list --root`)");
  verify->add_option("--superseded", o->superseded, "offline: the signed superseded list");
  verify->callback([o] { exit_code() = run_verify(*o); });
}

}  // namespace ektp::cli
