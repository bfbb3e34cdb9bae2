#include "card/chip_production.h"

#include <fmt/format.h>

#include "card/byte_text.h"
#include "card/chip_lds.h"
#include "card/chip_personaliser.h"
#include "card/print_queue.h"
#include "card/security_object.h"

namespace ektp::card {

namespace {

std::unexpected<Error> readback_failed(std::string what) {
  return refusal(ErrorCode::kDataLoss, "chip_readback", "the chip does not read back as written: " + std::move(what));
}

}  // namespace

Result<PersonalisedChip> personalise_request(ChipIssuer& issuer, store::Database& db, std::int64_t request_id,
                                             const ChipReader::Transmit& transmit, const ChipCard::Random& random,
                                             std::string_view actor, std::int64_t now_ms) {
  const std::int64_t now_s = now_ms / 1000;
  auto prepared = store::with_read_transaction<std::pair<PrintRequest, ChipLds>>(
      db, [&](store::Connection& c) -> Result<std::pair<PrintRequest, ChipLds>> {
        EKTP_ASSIGN_OR_RETURN(auto request, load_print_request(c, request_id));
        EKTP_ASSIGN_OR_RETURN(auto done, personalisation_of_request(c, request_id));
        if (done) {
          return failed_precondition(fmt::format("print request {} has its chip already ({})", request_id, done->chip_serial));
        }
        EKTP_ASSIGN_OR_RETURN(auto lds, chip_lds_for_request(c, request));
        return std::pair{std::move(request), std::move(lds)};
      });
  if (!prepared) return std::unexpected(prepared.error());
  auto& [request, lds] = *prepared;

  PersonalisedChip out;
  out.mrz = lds.mrz;
  const ChipReader::Transmit counted = [&](std::span<const std::uint8_t> apdu) {
    ++out.apdus_written;
    return transmit(apdu);
  };
  ChipReader probe(counted, random);
  EKTP_ASSIGN_OR_RETURN(auto serial, probe.chip_serial());
  EKTP_ASSIGN_OR_RETURN(auto sod, issuer.sign_sod(lds.groups, request.nik, now_s));
  EKTP_ASSIGN_OR_RETURN(auto terminal_key, issuer.terminal_key(serial));

  ChipContents contents;
  contents.mrz = lds.mrz;
  contents.terminal_key = terminal_key;
  contents.files[kEfComId] = lds.ef_com;
  for (const auto& [group, bytes] : lds.groups) contents.files[data_group_file_id(group)] = bytes;
  contents.files[kEfSodId] = sod.ef_sod;
  if (lds.groups.contains(3)) contents.terminal_only.insert(data_group_file_id(3));
  EKTP_ASSIGN_OR_RETURN(auto written_serial,
                        personalise(counted, [&](std::span<const std::uint8_t> s) { return issuer.perso_key(s); }, contents));
  if (written_serial != serial) return readback_failed("the chip serial changed while it was written");

  // Read back as a verifier with a terminal key would, and check everything.
  const ChipKeyOf terminal_key_of = [&](std::span<const std::uint8_t> s) { return issuer.terminal_key(s); };
  EKTP_ASSIGN_OR_RETURN(auto reading, read_chip(transmit, random, lds.mrz, &terminal_key_of));
  out.apdus_read = reading.apdus;
  if (reading.ef_sod != sod.ef_sod) return readback_failed("EF.SOD differs");
  if (reading.groups != lds.groups) {
    for (const auto& [group, bytes] : lds.groups) {
      const auto it = reading.groups.find(group);
      if (it == reading.groups.end() || it->second != bytes) return readback_failed(fmt::format("DG{} differs", group));
    }
    return readback_failed("the chip lists data groups that were not written");
  }
  EKTP_ASSIGN_OR_RETURN(auto csca, issuer.csca());
  const auto verdict = verify_chip(reading, {csca.certificate}, nullptr, now_s);
  if (!verdict.passive_authentication.passed()) {
    return readback_failed(fmt::format("Passive Authentication fails ({}{})", verdict.passive_authentication.signature_error,
                                       verdict.passive_authentication.chain_error));
  }

  out.record = {hex_of(serial), request.blanko_serial, request.nik, request.id, sod.document_signer,
                hex_of(lds_hash(kSha256Oid, sod.ef_sod)), std::string(actor), now_ms};
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<void>(db, [&](store::Connection& c) -> Status {
    return record_personalisation(c, out.record);
  }));
  return out;
}

Result<PersonalisedChip> print_and_personalise_next(ChipIssuer& issuer, store::Database& db,
                                                    const StockChange& printer, const ChipReader::Transmit& transmit,
                                                    const ChipCard::Random& random) {
  EKTP_ASSIGN_OR_RETURN(auto printed, print_next(db, printer));
  auto chip = personalise_request(issuer, db, printed.id, transmit, random, printer.actor, printer.at_ms);
  if (chip) return chip;
  const auto reason = fmt::format("chip personalisation failed: {}", chip.error().message).substr(0, 200);
  if (auto spoiled = spoil_print(db, printed.id, reason, printer.actor, printer.at_ms); !spoiled) {
    return std::unexpected(Error{spoiled.error().code,
                                 fmt::format("{}; and spoiling blanko {} failed too: {}", chip.error().message,
                                             printed.blanko_serial, spoiled.error().message)});
  }
  // Whatever the chip said (a refused key, a read-back that differs), for the printer it is one
  // thing: this card failed, its blanko is spoiled, the request waits again.
  return refusal(ErrorCode::kFailedPrecondition, std::string(kChipPersonalisationFailed),
                 fmt::format("blanko {} spoiled, request {} waits again: {} ({})", printed.blanko_serial, printed.id,
                             chip.error().message, chip.error().reason));
}

}  // namespace ektp::card
