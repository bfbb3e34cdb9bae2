#include "card/chip_register.h"

#include <fmt/format.h>

#include "access/audit_log.h"
#include "core/civil_date.h"

namespace ektp::card {

namespace {

constexpr std::string_view kCertificateColumns =
    "label, kind, period, certificate, not_before_s, not_after_s, signatures";
constexpr std::string_view kPersonalisationColumns =
    "chip_serial, blanko_serial, nik, print_request, document_signer, sod_sha256, personalised_by, personalised_at_ms";

ChipCertificate certificate_of(const store::Row& r) {
  return {r.text(0), r.text(1), r.text(2), r.blob(3), r.integer(4), r.integer(5), r.integer(6)};
}

ChipPersonalisation personalisation_of(const store::Row& r) {
  return {r.text(0), r.integer(1), r.text(2), r.integer(3), r.text(4), r.text(5), r.text(6), r.integer(7)};
}

Result<std::optional<ChipPersonalisation>> one_personalisation(store::Connection& db, std::string_view where,
                                                               store::Value key) {
  auto rows = db.execute(fmt::format("SELECT {} FROM chip_personalisations WHERE {} = $1", kPersonalisationColumns, where),
                         {std::move(key)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::nullopt;
  return personalisation_of(rows->rows.front());
}

std::string civil_date_text(std::int64_t ms) {
  return format_civil_date(jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms))));
}

}  // namespace

Status record_chip_certificate(store::Connection& db, const ChipCertificate& c, std::int64_t now_ms) {
  auto inserted = db.execute(
      "INSERT INTO chip_certificates (label, kind, period, certificate, not_before_s, not_after_s, signatures, "
      "created_at_ms) VALUES ($1,$2,$3,$4,$5,$6,0,$7)",
      {c.label, c.kind, c.period, store::Blob{c.certificate}, c.not_before_s, c.not_after_s, now_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return access::append_audit(db, {now_ms, "system", fmt::format("chip.{}_certificate", c.kind), c.label,
                                   c.period.empty() ? std::string("issued") : fmt::format("period {}", c.period)});
}

Result<std::vector<ChipCertificate>> csca_certificates(store::Connection& db) {
  auto rows = db.execute(fmt::format("SELECT {} FROM chip_certificates WHERE kind = $1 ORDER BY not_before_s DESC, label",
                                     kCertificateColumns),
                         {std::string(kCscaKind)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<ChipCertificate> out;
  for (const auto& r : rows->rows) out.push_back(certificate_of(r));
  return out;
}

Result<std::optional<ChipCertificate>> document_signer_for(store::Connection& db, std::string_view period) {
  auto rows = db.execute(fmt::format("SELECT {} FROM chip_certificates WHERE kind = $1 AND period = $2", kCertificateColumns),
                         {std::string(kDocumentSignerKind), std::string(period)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::nullopt;
  return certificate_of(rows->rows.front());
}

Status count_chip_signature(store::Connection& db, std::string_view label, std::string_view actor,
                            std::string_view subject, std::string_view what, std::int64_t now_ms) {
  auto updated = db.execute("UPDATE chip_certificates SET signatures = signatures + 1 WHERE label = $1",
                            {std::string(label)});
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) return not_found(fmt::format("no chip certificate '{}'", label));
  return access::append_audit(db, {now_ms, std::string(actor), "chip.signature", std::string(subject),
                                   fmt::format("{} by {}", what, label)});
}

Status record_personalisation(store::Connection& db, const ChipPersonalisation& chip) {
  auto known = db.execute("SELECT chip_serial, blanko_serial FROM chip_personalisations WHERE chip_serial = $1 OR "
                          "blanko_serial = $2",
                          {chip.chip_serial, chip.blanko_serial});
  if (!known) return std::unexpected(known.error());
  if (!known->rows.empty()) {
    return make_error(ErrorCode::kAlreadyExists,
                      fmt::format("chip {} or blanko {} was personalised before", chip.chip_serial, chip.blanko_serial));
  }
  auto inserted = db.execute(
      fmt::format("INSERT INTO chip_personalisations ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", kPersonalisationColumns),
      {chip.chip_serial, chip.blanko_serial, chip.nik, chip.print_request, chip.document_signer, chip.sod_sha256,
       chip.personalised_by, chip.personalised_at_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return access::append_audit(db, {chip.personalised_at_ms, chip.personalised_by, "chip.personalised", chip.nik,
                                   fmt::format("chip {} blanko {} signed by {}", chip.chip_serial, chip.blanko_serial,
                                               chip.document_signer)});
}

Result<std::optional<ChipPersonalisation>> personalisation_of_chip(store::Connection& db, std::string_view chip_serial) {
  return one_personalisation(db, "chip_serial", std::string(chip_serial));
}

Result<std::optional<ChipPersonalisation>> personalisation_of_request(store::Connection& db, std::int64_t print_request) {
  return one_personalisation(db, "print_request", print_request);
}

Status record_revocation_list(store::Connection& db, const RevocationList& list, std::string_view signed_list) {
  auto inserted = db.execute(
      "INSERT INTO chip_revocation_lists (number, issued_at_s, next_update_s, signed_list) VALUES ($1,$2,$3,$4)",
      {static_cast<std::int64_t>(list.number), list.issued_at, list.next_update, std::string(signed_list)});
  if (!inserted) return std::unexpected(inserted.error());
  return access::append_audit(db, {list.issued_at * 1000, "system", "chip.revocation_list", std::to_string(list.number),
                                   fmt::format("{} chips", list.entries.size())});
}

Result<std::optional<std::string>> newest_revocation_list(store::Connection& db) {
  auto rows = db.execute("SELECT signed_list FROM chip_revocation_lists ORDER BY number DESC LIMIT 1");
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::nullopt;
  return rows->rows.front().text(0);
}

Result<std::optional<std::uint64_t>> newest_revocation_list_number(store::Connection& db) {
  auto rows = db.execute("SELECT number FROM chip_revocation_lists ORDER BY number DESC LIMIT 1");
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::nullopt;
  return static_cast<std::uint64_t>(rows->rows.front().integer(0));
}

Result<std::vector<RevokedChip>> revoked_chips(store::Connection& db) {
  // Lost or damaged (the card was revoked when it was reported), and replaced: an older chip of a
  // resident who has a newer personalised one.
  auto rows = db.execute(
      "SELECT c.chip_serial, c.nik, r.revoked_at_ms, r.revoked_reason, "
      "(SELECT MIN(n.personalised_at_ms) FROM chip_personalisations n WHERE n.nik = c.nik AND "
      "n.personalised_at_ms > c.personalised_at_ms) "
      "FROM chip_personalisations c JOIN print_requests r ON r.id = c.print_request ORDER BY c.personalised_at_ms, "
      "c.chip_serial");
  if (!rows) return std::unexpected(rows.error());
  std::vector<RevokedChip> out;
  for (const auto& r : rows->rows) {
    const std::int64_t revoked_at = r.integer(2);
    const bool replaced = !r.is_null(4);
    if (revoked_at == 0 && !replaced) continue;
    const std::string reason = r.text(3);
    RevokedChip chip{r.text(0), r.text(1), civil_date_text(revoked_at != 0 ? revoked_at : r.integer(4)),
                     revoked_at != 0 ? (reason == "damaged" ? "damaged" : reason == "stolen" ? "stolen" : "lost")
                                     : "replaced"};
    out.push_back(std::move(chip));
  }
  return out;
}

}  // namespace ektp::card
