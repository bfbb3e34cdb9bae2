#include "card/chip_issuer.h"

#include <openssl/rand.h>

#include <chrono>

#include <fmt/format.h>

#include "card/chip_certificates.h"
#include "card/security_object.h"
#include "core/civil_date.h"
#include "store/transaction_inl.h"

namespace ektp::card {

namespace {

std::uint64_t random_serial() {
  std::uint64_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
  return (serial >> 1) | 1;  // positive and never zero
}

CivilDate jakarta_date(std::int64_t unix_seconds) {
  return jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

}  // namespace

std::string signing_period_of(std::int64_t unix_seconds) {
  const auto date = jakarta_date(unix_seconds);
  return fmt::format("{}q{}", static_cast<int>(date.year()), (static_cast<unsigned>(date.month()) - 1) / 3 + 1);
}

std::int64_t signing_period_start(std::int64_t unix_seconds) {
  const auto date = jakarta_date(unix_seconds);
  const unsigned first_month = (static_cast<unsigned>(date.month()) - 1) / 3 * 3 + 1;
  const std::chrono::sys_days start{date.year() / std::chrono::month{first_month} / 1};
  return jakarta_day_start_ms(start.time_since_epoch().count()) / 1000;
}

Result<std::array<std::uint8_t, 32>> diversified_key(Pkcs11Token& token, std::string_view master_label,
                                                     std::string_view context, std::span<const std::uint8_t> serial) {
  std::vector<std::uint8_t> data(context.begin(), context.end());
  data.insert(data.end(), serial.begin(), serial.end());
  return token.hmac_sha256(master_label, data);
}

Result<std::vector<std::uint8_t>> ChipIssuer::counted_sign(std::string_view label, std::span<const std::uint8_t> digest,
                                                           std::string_view subject, std::string_view what,
                                                           std::int64_t now_s) {
  EKTP_ASSIGN_OR_RETURN(auto signature, token_.sign_digest(label, digest));
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db_, [&](store::Connection& c) -> Status {
    return count_chip_signature(c, label, actor_, subject, what, now_s * 1000);
  }));
  return signature;
}

Result<ChipCertificate> ChipIssuer::initialise(std::int64_t now_s) {
  auto existing = store::with_read_transaction<std::vector<ChipCertificate>>(
      db_, [](store::Connection& c) { return csca_certificates(c); });
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty()) {
    return make_error(ErrorCode::kAlreadyExists, fmt::format("the chip issuer has a CSCA already ({})", existing->front().label));
  }
  for (const auto label : {kCscaKeyLabel, kPersoMasterLabel, kTerminalMasterLabel}) {
    if (token_.has_key(label)) {
      return make_error(ErrorCode::kAlreadyExists,
                        fmt::format("token '{}' already holds a key '{}' the register does not know", token_.label(), label));
    }
  }
  EKTP_RETURN_IF_ERROR(token_.generate_ec_key(kCscaKeyLabel));
  EKTP_RETURN_IF_ERROR(token_.generate_secret(kPersoMasterLabel));
  EKTP_RETURN_IF_ERROR(token_.generate_secret(kTerminalMasterLabel));
  EKTP_ASSIGN_OR_RETURN(auto public_key, token_.public_key_der(kCscaKeyLabel));
  ChipCertificate csca{std::string(kCscaKeyLabel), std::string(kCscaKind), "", {}, now_s, now_s + kCscaLifeSeconds, 0};
  // The CSCA's first signature is its own certificate: it is counted once the row exists.
  auto certificate = make_csca_certificate({public_key, "CSCA Indonesia", random_serial(), csca.not_before_s, csca.not_after_s},
                                           [&](std::span<const std::uint8_t> digest) { return token_.sign_digest(kCscaKeyLabel, digest); });
  if (!certificate) return std::unexpected(certificate.error());
  csca.certificate = std::move(*certificate);
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db_, [&](store::Connection& c) -> Status {
    EKTP_RETURN_IF_ERROR(record_chip_certificate(c, csca, now_s * 1000));
    return count_chip_signature(c, kCscaKeyLabel, actor_, kCscaKeyLabel, "CSCA certificate", now_s * 1000);
  }));
  csca.signatures = 1;
  return csca;
}

Result<ChipCertificate> ChipIssuer::csca() {
  auto all = store::with_read_transaction<std::vector<ChipCertificate>>(db_, [](store::Connection& c) { return csca_certificates(c); });
  if (!all) return std::unexpected(all.error());
  if (all->empty()) return failed_precondition("the chip issuer has no CSCA: run `ektp card issuer init` first");
  return all->front();
}

Result<ChipCertificate> ChipIssuer::document_signer(std::int64_t now_s) {
  const auto period = signing_period_of(now_s);
  auto known = store::with_read_transaction<std::optional<ChipCertificate>>(
      db_, [&](store::Connection& c) { return document_signer_for(c, period); });
  if (!known) return std::unexpected(known.error());
  if (*known) return **known;
  EKTP_ASSIGN_OR_RETURN(auto csca_certificate, csca());
  const auto label = fmt::format("ektp-ds-{}", period);
  if (!token_.has_key(label)) EKTP_RETURN_IF_ERROR(token_.generate_ec_key(label));
  EKTP_ASSIGN_OR_RETURN(auto public_key, token_.public_key_der(label));
  const std::int64_t start = signing_period_start(now_s);
  ChipCertificate ds{label, std::string(kDocumentSignerKind), period, {}, start,
                     start + 92 * 86400 + kDocumentSignerTailSeconds, 0};
  EKTP_ASSIGN_OR_RETURN(ds.certificate,
                        make_document_signer_certificate(
                            {public_key, fmt::format("Document Signer {}", period), random_serial(), ds.not_before_s,
                             ds.not_after_s},
                            csca_certificate.certificate,
                            [&](std::span<const std::uint8_t> digest) { return token_.sign_digest(kCscaKeyLabel, digest); }));
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db_, [&](store::Connection& c) -> Status {
    EKTP_RETURN_IF_ERROR(record_chip_certificate(c, ds, now_s * 1000));
    return count_chip_signature(c, kCscaKeyLabel, actor_, label, "Document Signer certificate", now_s * 1000);
  }));
  return ds;
}

Result<ChipIssuer::SignedSod> ChipIssuer::sign_sod(const std::map<int, std::vector<std::uint8_t>>& groups,
                                                   std::string_view nik, std::int64_t now_s) {
  EKTP_ASSIGN_OR_RETURN(auto ds, document_signer(now_s));
  SodSigning signing{ds.certificate,
                     [&](std::span<const std::uint8_t> digest) { return counted_sign(ds.label, digest, nik, "EF.SOD", now_s); },
                     now_s};
  EKTP_ASSIGN_OR_RETURN(auto sod, make_ef_sod(groups, signing));
  return SignedSod{std::move(sod), ds.label};
}

Result<std::array<std::uint8_t, 32>> ChipIssuer::perso_key(std::span<const std::uint8_t> chip_serial) {
  return diversified_key(token_, kPersoMasterLabel, kPersoKeyLabel, chip_serial);
}

Result<std::array<std::uint8_t, 32>> ChipIssuer::terminal_key(std::span<const std::uint8_t> chip_serial) {
  return diversified_key(token_, kTerminalMasterLabel, kTerminalKeyLabel, chip_serial);
}

Result<std::string> ChipIssuer::revocation_list(std::int64_t now_s, std::int64_t valid_s) {
  if (auto known = csca(); !known) return std::unexpected(known.error());
  auto revoked = store::with_read_transaction<std::vector<RevokedChip>>(db_, [](store::Connection& c) { return revoked_chips(c); });
  if (!revoked) return std::unexpected(revoked.error());
  RevocationList list{static_cast<std::uint64_t>(now_s), now_s, now_s + valid_s, std::move(*revoked)};
  EKTP_ASSIGN_OR_RETURN(auto signed_list, sign_revocation_list(list, [&](std::span<const std::uint8_t> digest) {
    return counted_sign(kCscaKeyLabel, digest, kCscaKeyLabel, fmt::format("revocation list {}", now_s), now_s);
  }));
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db_, [&](store::Connection& c) -> Status {
    return record_revocation_list(c, list, signed_list);
  }));
  return signed_list;
}

}  // namespace ektp::card
