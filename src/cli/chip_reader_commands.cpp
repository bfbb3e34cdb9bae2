// An open verifier's chip commands, through any PC/SC reader (card/chip_inspection.h):
//   ektp card read --mrz 90CHARS [--reader NAME] [--trust CSCA.pem] [--revocations LIST.json]
//                  [--dump DIR] [--token-label L --pin-file F]
//        selects the LDS application, runs BAC, reads EF.COM, every data group and EF.SOD (DG3
//        only with an authorised reader's token holding the terminal master), then Passive
//        Authentication against the CSCA certificates of --trust and the revocation check against
//        a cached signed list; prints JSON with each check and the holder's data. Exit 0 when
//        every check that was asked for passed; 1 otherwise (the JSON says which).
//        --dump DIR writes EF.COM, each DGn.bin, EF.SOD and the SOD's CMS (sod.der) as read.
//   ektp card verify --mrz 90CHARS --finger IMAGE [--finger IMAGE …] --trust CSCA.pem --token-label L
//        reads DG3 with the terminal key and, when Passive Authentication passes, matches each live
//        image in turn against the chip's templates (FMR 1/10,000, at most 4 tries): exit 0 on a
//        match, 1 on none.
//   ektp card fetch-revocations --central https://HOST:PORT --trust CSCA.pem --out LIST.json
//        [--ca-file PEM]   a verifier's cache of the revocation list: fetched from central, kept
//        only when a trusted CSCA signed it and it is not older than the one cached, written by
//        rename; `card read --revocations LIST.json` then works offline
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/private_file.h"
#include "api/http_client.h"
#include "card/ber_tlv.h"
#include "card/byte_text.h"
#include "card/chip_certificates.h"
#include "card/chip_finger_check.h"
#include "card/chip_inspection.h"
#include "card/chip_issuer.h"
#include "card/lds_biometric.h"
#include "card/mrz.h"
#include "card/pcsc_reader.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/token_option.h"
#include "cli/wall_clock.h"

namespace ektp::cli {

namespace {

namespace json = boost::json;

struct ReaderOptions {
  std::string reader;
  std::string mrz;
  std::string trust;
  std::string revocations;
  std::string dump;
  TokenOptions token;
  std::vector<std::string> fingers;
  int dpi = 500;
  std::string central;
  std::string ca_file;
  std::string out;
};

Result<std::array<std::string, 3>> mrz_of(const std::string& text) {
  if (text.size() != 90) return invalid_argument("--mrz: the 90 characters of the TD1 MRZ");
  std::array<std::string, 3> mrz = {text.substr(0, 30), text.substr(30, 30), text.substr(60, 30)};
  EKTP_RETURN_IF_ERROR(card::decode_td1(mrz));
  return mrz;
}

Result<std::vector<std::vector<std::uint8_t>>> trusted_cscas(const std::string& path) {
  EKTP_ASSIGN_OR_RETURN(auto pem, access::read_small_file(path, 1u << 20));
  return card::certificates_of_pem(pem);
}

Result<std::vector<std::uint8_t>> read_binary_file(const std::string& path, std::size_t bytes_max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(fmt::format("{}: cannot be read", path));
  std::vector<std::uint8_t> bytes(bytes_max + 1);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > bytes_max) return invalid_argument(fmt::format("{}: more than {} bytes", path, bytes_max));
  return bytes;
}

Status write_binary_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) return make_error(ErrorCode::kUnavailable, fmt::format("cannot write {}", path.string()));
  return {};
}

Status dump_reading(const std::string& dir, const card::ChipReading& reading, std::span<const std::uint8_t> com) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("{}: {}", dir, ec.message()));
  const std::filesystem::path d(dir);
  EKTP_RETURN_IF_ERROR(write_binary_file(d / "EF.COM.bin", com));
  for (const auto& [group, bytes] : reading.groups) {
    EKTP_RETURN_IF_ERROR(write_binary_file(d / fmt::format("DG{}.bin", group), bytes));
  }
  if (!reading.ef_sod.empty()) {
    EKTP_RETURN_IF_ERROR(write_binary_file(d / "EF.SOD.bin", reading.ef_sod));
    auto sod = card::read_ef_sod(reading.ef_sod);
    if (sod) EKTP_RETURN_IF_ERROR(write_binary_file(d / "sod.der", sod->content_info));
  }
  return {};
}

std::string text_of(const card::Tlv* t) { return t == nullptr ? std::string() : std::string(t->value.begin(), t->value.end()); }

json::object holder_of(const card::ChipReading& reading) {
  json::object holder;
  if (auto it = reading.groups.find(11); it != reading.groups.end()) {
    if (auto dg11 = card::parse_tlv(it->second)) {
      holder["name"] = text_of(dg11->find(0x5F0E));
      holder["nik"] = text_of(dg11->find(0x5F10));
      holder["birth_date"] = text_of(dg11->find(0x5F2B));
      holder["birth_place"] = text_of(dg11->find(0x5F11));
      holder["address"] = text_of(dg11->find(0x5F42));
    }
  }
  return holder;
}

json::object pa_json(const card::PassiveAuthentication& pa) {
  json::object groups;
  for (const auto& [group, result] : pa.groups) groups[fmt::format("dg{}", group)] = card::group_hash_id(result);
  return {{"passed", pa.passed()},
          {"sod_error", pa.sod_error},
          {"hash_algorithm", pa.hash_algorithm},
          {"groups", groups},
          {"signature_valid", pa.signature_valid},
          {"signature_error", pa.signature_error},
          {"chain_valid", pa.chain_valid},
          {"chain_error", pa.chain_error},
          {"document_signer", pa.document_signer},
          {"csca", pa.csca}};
}

struct Opened {
  std::unique_ptr<card::PcscCard> pcsc;
  std::optional<card::Pkcs11Token> token;
};

Result<card::ChipReading> read_card(const ReaderOptions& o, Opened& opened) {
  EKTP_ASSIGN_OR_RETURN(auto mrz, mrz_of(o.mrz));
  if (token_given(o.token)) {
    EKTP_ASSIGN_OR_RETURN(auto token, open_token(o.token));
    opened.token.emplace(std::move(token));
  }
  EKTP_ASSIGN_OR_RETURN(opened.pcsc, card::PcscCard::connect(o.reader));
  const card::ChipKeyOf terminal = [&](std::span<const std::uint8_t> serial) {
    return card::diversified_key(*opened.token, card::kTerminalMasterLabel, card::kTerminalKeyLabel, serial);
  };
  auto* pcsc = opened.pcsc.get();
  return card::read_chip([pcsc](std::span<const std::uint8_t> apdu) { return pcsc->transmit(apdu); }, card::system_chip_random(),
                         mrz, opened.token ? &terminal : nullptr);
}

int run_read(const ReaderOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::vector<std::uint8_t>> cscas;
  if (!o.trust.empty()) {
    auto loaded = trusted_cscas(o.trust);
    if (!loaded) return report(loaded.error());
    cscas = std::move(*loaded);
  }
  std::optional<card::RevocationList> revocations;
  if (!o.revocations.empty()) {
    if (o.trust.empty()) return report(Error{ErrorCode::kInvalidArgument, "--revocations needs --trust (its signer)"});
    auto text = access::read_small_file(o.revocations, card::kRevocationFileBytesMax);
    if (!text) return report(text.error());
    auto list = card::verify_revocation_list(*text, cscas);
    if (!list) return report(list.error());
    revocations = std::move(*list);
  }
  Opened opened;
  auto reading = read_card(o, opened);
  if (!reading) return report(reading.error());
  const auto com = card::encode_ef_com(reading->com);
  if (!o.dump.empty()) {
    if (auto dumped = dump_reading(o.dump, *reading, com); !dumped) return report(dumped.error());
  }
  json::array groups;
  for (int g : reading->com.groups) groups.push_back(g);
  json::object not_read;
  for (const auto& [g, why] : reading->not_read) not_read[fmt::format("dg{}", g)] = why;
  json::object out{{"reader", opened.pcsc->reader()},
                   {"chip_serial", card::hex_of(reading->serial)},
                   {"bac", "ok"},
                   {"lds_version", reading->com.lds_version},
                   {"groups", groups},
                   {"terminal_authenticated", reading->terminal_authenticated}};
  if (auto it = reading->groups.find(1); it != reading->groups.end()) {
    if (auto dg1 = card::parse_dg1(it->second)) out["dg1_mrz"] = json::array{(*dg1)[0], (*dg1)[1], (*dg1)[2]};
  }
  out["not_read"] = not_read;
  out["dg11"] = holder_of(*reading);
  if (auto it = reading->groups.find(2); it != reading->groups.end()) {
    auto face = card::parse_dg2(it->second);
    out["dg2"] = face ? json::value(json::object{{"width", face->width}, {"height", face->height},
                                                 {"jpeg_bytes", face->jpeg.size()}})
                      : json::value(face.error().message);
  }
  if (auto it = reading->groups.find(3); it != reading->groups.end()) {
    auto fingers = card::parse_dg3(it->second);
    json::array positions;
    if (fingers) for (const auto& f : *fingers) positions.push_back(f.position);
    out["dg3"] = fingers ? json::value(json::object{{"fingers", positions}}) : json::value(fingers.error().message);
  }
  bool passed = true;
  if (!o.trust.empty()) {
    const auto verdict = card::verify_chip(*reading, cscas, revocations ? &*revocations : nullptr, wall_seconds());
    out["passive_authentication"] = pa_json(verdict.passive_authentication);
    passed = verdict.passive_authentication.passed();
    if (revocations) {
      out["revocation"] = json::object{{"checked", true},
                                       {"revoked", verdict.revoked.has_value()},
                                       {"reason", verdict.revoked ? verdict.revoked->reason : ""},
                                       {"revoked_on", verdict.revoked ? verdict.revoked->revoked_on : ""},
                                       {"list_number", revocations->number},
                                       {"stale", verdict.revocation_list_stale}};
      passed = passed && !verdict.revoked;
    }
  } else {
    out["passive_authentication"] = "not checked: no --trust list of CSCA certificates";
  }
  out["apdus"] = reading->apdus;
  out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out["passed"] = passed;
  std::cout << json::serialize(out) << "\n";
  return passed ? 0 : 1;
}

int run_verify(const ReaderOptions& o) {
  if (o.fingers.empty() || o.fingers.size() > static_cast<std::size_t>(card::kChipFingerTriesMax)) {
    return report(Error{ErrorCode::kInvalidArgument, fmt::format("--finger: 1 to {} images", card::kChipFingerTriesMax)});
  }
  if (o.dpi < 250 || o.dpi > 1000) return report(Error{ErrorCode::kInvalidArgument, "--dpi: 250 to 1000"});
  auto cscas = trusted_cscas(o.trust);
  if (!cscas) return report(cscas.error());
  Opened opened;
  auto reading = read_card(o, opened);
  if (!reading) return report(reading.error());
  const auto verdict = card::verify_chip(*reading, *cscas, nullptr, wall_seconds());
  if (!verdict.passive_authentication.passed()) {
    std::cout << json::serialize(json::object{{"matched", false},
                                              {"passive_authentication", pa_json(verdict.passive_authentication)}})
              << "\n";
    return report(Error{ErrorCode::kFailedPrecondition,
                        "Passive Authentication failed: the chip's templates are not the issuer's; no finger is matched"});
  }
  auto dg3 = reading->groups.find(3);
  if (dg3 == reading->groups.end()) return report(Error{ErrorCode::kFailedPrecondition, "the chip carries no DG3"});
  auto fingers = card::parse_dg3(dg3->second);
  if (!fingers) return report(fingers.error());
  card::ChipFingerTries tries;
  json::array attempts;
  bool matched = false;
  for (const auto& path : o.fingers) {
    auto image = read_binary_file(path, card::kLiveFingerImageBytesMax);
    if (!image) return report(image.error());
    auto match = tries.attempt(*fingers, *image, o.dpi);
    if (!match) return report(match.error());
    attempts.push_back(json::object{{"image", path}, {"score", match->best_score}, {"finger", match->best_position},
                                    {"matched", match->matched}});
    if (match->matched) {
      matched = true;
      break;
    }
  }
  std::cout << json::serialize(json::object{{"chip_serial", card::hex_of(reading->serial)},
                                            {"passive_authentication", pa_json(verdict.passive_authentication)},
                                            {"tries", attempts},
                                            {"matched", matched}})
            << "\n";
  return matched ? 0 : 1;
}

int run_fetch_revocations(const ReaderOptions& o) {
  auto cscas = trusted_cscas(o.trust);
  if (!cscas) return report(cscas.error());
  api::TlsTrust trust;
  trust.ca_file = o.ca_file;
  auto answer = api::http_exchange(o.central, {"GET", "/api/v1/chip/revocations", {}, "", "application/json"},
                                   std::chrono::seconds(60), card::kRevocationFileBytesMax, trust);
  if (!answer) return report(answer.error());
  if (answer->status != 200) {
    return report(Error{ErrorCode::kUnavailable, fmt::format("central answered {}: {}", answer->status,
                                                             answer->body.substr(0, 300))});
  }
  auto list = card::verify_revocation_list(answer->body, *cscas);
  if (!list) return report(list.error());
  // A cached list is replaced only by a newer one (an old list replayed would unrevoke cards).
  if (auto cached_text = access::read_small_file(o.out, card::kRevocationFileBytesMax)) {
    if (auto cached = card::verify_revocation_list(*cached_text, *cscas); cached && cached->number > list->number) {
      return report(Error{ErrorCode::kFailedPrecondition,
                          fmt::format("central's list {} is older than the cached list {}: kept the cached one",
                                      list->number, cached->number)});
    }
  }
  if (auto written = access::replace_file(o.out, answer->body, 0644); !written) return report(written.error());
  std::cout << json::serialize(json::object{{"number", list->number},
                                            {"issued_at", list->issued_at},
                                            {"next_update", list->next_update},
                                            {"entries", list->entries.size()},
                                            {"out", o.out}})
            << "\n";
  return 0;
}

}  // namespace

void register_chip_reader_commands(CLI::App& app) {
  auto o = std::make_shared<ReaderOptions>();
  CLI::App* card = app.get_subcommand("card");
  auto* read = card->add_subcommand("read", "read and verify a chip through PC/SC (BAC, Passive Authentication)");
  read->add_option("--reader", o->reader, "the PC/SC reader (default: the first with a card)");
  read->add_option("--mrz", o->mrz, "the card's MRZ, its three lines joined (90 characters)")->required();
  read->add_option("--trust", o->trust, "PEM file of the CSCA certificates this verifier trusts");
  read->add_option("--revocations", o->revocations, "a cached signed revocation list (needs --trust)");
  read->add_option("--dump", o->dump, "write EF.COM, every DGn.bin, EF.SOD and sod.der to this folder");
  add_token_options(*read, o->token, false);
  read->callback([o] { exit_code() = run_read(*o); });
  auto* verify = card->add_subcommand("verify", "match live finger images against the chip's DG3 (authorised reader)");
  verify->add_option("--reader", o->reader, "the PC/SC reader (default: the first with a card)");
  verify->add_option("--mrz", o->mrz, "the card's MRZ, its three lines joined (90 characters)")->required();
  verify->add_option("--trust", o->trust, "PEM file of the CSCA certificates this verifier trusts")->required();
  verify->add_option("--finger", o->fingers, "a live finger image (PNG, BMP, TIFF, PGM); one per try, at most 4")
      ->required();
  verify->add_option("--dpi", o->dpi, "the images' resolution")->capture_default_str();
  add_token_options(*verify, o->token);
  verify->callback([o] { exit_code() = run_verify(*o); });
  auto* fetch = card->add_subcommand("fetch-revocations", "fetch central's signed revocation list into a local cache");
  fetch->add_option("--central", o->central, "central's address, https://host:port")->required();
  fetch->add_option("--trust", o->trust, "PEM file of the CSCA certificates this verifier trusts")->required();
  fetch->add_option("--out", o->out, "the cached list (replaced only by a newer one)")->required();
  fetch->add_option("--ca-file", o->ca_file, "PEM CA certificates for central's TLS certificate (default: the system's)");
  fetch->callback([o] { exit_code() = run_fetch_revocations(*o); });
}

}  // namespace ektp::cli
