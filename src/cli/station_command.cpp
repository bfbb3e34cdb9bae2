// `ektp station`: the offline-first service point. `ektp station init` provisions a station
// database once (key pair, central's key, operators, serial leases, working copy); `ektp station`
// then serves the station UI and API from that database and sends its outbox whenever central
// can be reached (docs/station.md).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "abis/local_dedup.h"
#include "api/api_services.h"
#include "api/capture_json.h"
#include "api/central_client.h"
#include "api/http.h"
#include "api/http_server.h"
#include "api/server_routes.h"
#include "api/station_routes.h"
#include "api/station_sync_loop.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/listen_options.h"
#include "cli/face_cascade.h"
#include "cli/wall_clock.h"
#include "store/migrations.h"
#include "sync/station_provisioning.h"

namespace ektp::cli {

namespace {

struct StationOptions {
  std::string db_url;
  std::string central_url;
  ListenOptions listen;
  std::string station_id;
  std::string code_file;  // the provisioning code, from a file or "-" for stdin (never the command line)
  std::string central_ca;
  std::string backup_to;
  int pull_every_s = 30;
};

// A secret from a file (mode not readable by others) or from stdin ("-"): never from argv, where
// every user of the machine can read it in ps.
Result<std::string> read_secret_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::getline(std::cin, text);
    return text;
  }
  std::error_code ec;
  const auto permissions = std::filesystem::status(path, ec).permissions();
  if (ec) return invalid_argument(fmt::format("{} cannot be read: {}", path, ec.message()));
  using std::filesystem::perms;
  if ((permissions & (perms::group_read | perms::others_read)) != perms::none) {
    return invalid_argument(fmt::format("{} is readable by others: chmod 600 it", path));
  }
  std::ifstream in(path);
  std::getline(in, text);
  if (text.empty()) return invalid_argument(fmt::format("{} is empty", path));
  return text;
}

int run_init(const StationOptions& options) {
  auto db = open_database(options.db_url);
  if (!db) return report(db.error());
  if (auto migrated = store::migrate(**db, store::registry_migrations()); !migrated) return report(migrated.error());
  auto existing = sync::load_station_identity(**db);
  if (!existing) return report(existing.error());
  if (*existing) {
    return report(failed_precondition(fmt::format("this database already belongs to station {}; use a new file",
                                                  (*existing)->station_id)).error());
  }
  auto code_text = read_secret_file(options.code_file);
  if (!code_text) return report(code_text.error());
  auto code = api::parse_provisioning_code(*code_text);
  if (!code) return report(code.error());
  auto key = sync::generate_key_pair();
  auto provisioning = api::request_provisioning(options.central_url, options.station_id, *code, key.public_key_hex,
                                                api::TlsTrust{options.central_ca, ""});
  if (!provisioning) return report(provisioning.error());
  if (auto s = sync::apply_provisioning(**db, *provisioning, options.central_url, key, wall_ms(),
                                        code->central_tls_pin, options.central_ca);
      !s) {
    return report(s.error());
  }
  auto identity = sync::load_station_identity(**db);
  if (!identity || !*identity) return report(identity ? Error{ErrorCode::kInternal, "identity not saved"} : identity.error());
  api::CentralClient client(**db, **identity);
  auto pulled = api::pull_working_copy(**db, client);
  if (!pulled) return report(pulled.error());
  std::cout << "station " << options.station_id << " provisioned for district " << provisioning->station.district_code
            << ": " << provisioning->operators.size() << " operator(s), " << provisioning->leases.size()
            << " serial lease(s), " << *pulled << " working-copy rows" << std::endl;
  return 0;
}

// An online backup: VACUUM INTO writes a consistent snapshot of the database (identity, keys,
// outbox, receipts, working copy) while the station keeps serving; then the copy is checked.
int run_backup(const StationOptions& options) {
  if (!options.db_url.starts_with("sqlite:")) {
    return report(invalid_argument("backup: only a station's SQLite database (--db sqlite:PATH)").error());
  }
  if (std::filesystem::exists(options.backup_to)) {
    return report(failed_precondition(fmt::format("backup: {} already exists", options.backup_to)).error());
  }
  auto db = open_database(options.db_url);
  if (!db) return report(db.error());
  auto identity = sync::load_station_identity(**db);
  if (!identity) return report(identity.error());
  auto conn = (*db)->connect();
  if (!conn) return report(conn.error());
  auto copied = (*conn)->execute("VACUUM INTO $1", {options.backup_to});
  if (!copied) return report(copied.error());
  auto copy = open_database("sqlite:" + options.backup_to);
  if (!copy) return report(copy.error());
  auto copy_conn = (*copy)->connect();
  if (!copy_conn) return report(copy_conn.error());
  auto check = (*copy_conn)->execute("PRAGMA integrity_check");
  if (!check) return report(check.error());
  if (check->rows.empty() || check->rows[0].text(0) != "ok") {
    return report(make_error(ErrorCode::kDataLoss, "backup: the copy fails PRAGMA integrity_check").error());
  }
  auto pending = (*copy_conn)->execute("SELECT COUNT(*) FROM outbox WHERE delivered_at_ms = 0");
  if (!pending) return report(pending.error());
  std::cout << "backup of station " << (*identity ? (*identity)->station_id : std::string("(not provisioned)"))
            << " written to " << options.backup_to << " (integrity ok, " << pending->rows[0].integer(0)
            << " outbox item(s) pending)" << std::endl;
  return 0;
}

int run_station(const StationOptions& options) {
  auto db = open_database(options.db_url);
  if (!db) return report(db.error());
  if (auto migrated = store::migrate(**db, store::registry_migrations()); !migrated) return report(migrated.error());
  auto identity = sync::load_station_identity(**db);
  if (!identity) return report(identity.error());
  if (!*identity) return report(failed_precondition("this database is not a provisioned station: run `ektp station init` first").error());
  if (!options.central_url.empty()) (*identity)->central_url = options.central_url;
  const auto& regions = RegionDirectory::builtin();
  access::AuthService auth(**db);
  registry::CivilRegistry civil(**db, regions);
  access::AuditWriter audit(**db);
  auto anchorer = start_audit_anchorer(**db, options.db_url, "");
  if (!anchorer) return report(anchorer.error());
  api::ApiServices services{**db, regions, civil, auth, audit, nullptr, nullptr, &(*anchorer)->anchor(), {}};
  services.office_scoped = false;  // the working copy holds this station's district only
  api::StationSyncLoop loop(**db, **identity, std::chrono::seconds(options.pull_every_s));
  api::StationServices station{services, **identity, &loop, nullptr, nullptr};
  // Photo rules need the Haar cascade (opencv-data); without it the desk still works, unchecked.
  auto detector = load_face_detector();
  std::shared_ptr<biometrics::FaceDetector> face_detector;
  if (detector) {
    face_detector = std::make_shared<biometrics::FaceDetector>(std::move(*detector));
    station.check_photo = [face_detector](const std::vector<std::uint8_t>& bytes) -> Result<api::PhotoVerdict> {
      auto report = biometrics::check_photo(bytes, *face_detector);
      if (!report) return std::unexpected(report.error());
      return api::PhotoVerdict{report->ok, api::photo_report_json(*report)};
    };
  } else {
    spdlog::warn("photo checks are off: {}", detector.error().message);
  }
  station.local_duplicates = [](store::Connection& c,
                                const registry::Enrollment& e) -> Result<std::vector<std::string>> {
    auto hits = abis::find_local_duplicates(c, e);
    if (!hits) return std::unexpected(hits.error());
    std::vector<std::string> niks;
    for (const auto& h : *hits) niks.push_back(h.nik);
    return niks;
  };
  auto router = std::make_shared<api::Router>();
  api::add_station_server_routes(*router, station);
  api::HttpServerOptions server_options = server_options_of(options.listen);
  // A large upload (an enrollment with its images) is read only from a logged-in operator.
  server_options.upload_gate = [&auth](const api::HttpRequest& request) {
    return request.authorization.starts_with("Bearer ") &&
           auth.authenticate(std::string_view(request.authorization).substr(7), std::chrono::system_clock::now())
               .has_value();
  };
  api::HttpServer server(server_options, router);
  if (auto started = server.start(); !started) return report(started.error());
  loop.start();
  const char* scheme = server.tls() ? "https" : "http";
  spdlog::info("station {} (district {}) serving {} on {}://{}:{}/, central {}", (*identity)->station_id,
               (*identity)->district_code, (*db)->describe(), scheme, options.listen.address, server.port(),
               (*identity)->central_url);
  std::cout << "listening on " << scheme << "://" << options.listen.address << ":" << server.port() << "/"
            << std::endl;
  server.run_until_signal();
  loop.stop();
  if (auto flushed = audit.flush(); !flushed) return report(flushed.error());
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void register_station_commands(CLI::App& app) {
  auto options = std::make_shared<StationOptions>();
  options->listen.port = 8081;
  auto* station = app.add_subcommand("station", "run an offline-first enrollment station (kecamatan service point)");
  station->add_option("--db", options->db_url, "the station database: sqlite:PATH");
  station->add_option("--central", options->central_url, "central server URL (default: the one it was provisioned with)");
  add_listen_options(*station, options->listen);
  station->add_option("--pull-every", options->pull_every_s, "seconds between working-copy pulls")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  station->callback([options, station] {
    if (!station->get_subcommands().empty()) return;
    if (options->db_url.empty()) {
      exit_code() = report(invalid_argument("--db is required, e.g. --db sqlite:station.db").error());
      return;
    }
    exit_code() = run_station(*options);
  });

  auto* init = station->add_subcommand("init", "provision this station's database with central (once)");
  add_database_option(*init, options->db_url);
  init->add_option("--central", options->central_url, "central server URL, e.g. https://10.0.0.1:8443")->required();
  init->add_option("--station-id", options->station_id, "the id an admin registered")->required();
  init->add_option("--code-file", options->code_file,
                   "file (mode 0600) holding the provisioning code an admin received when registering the station, "
                   "or - to read it from stdin")
      ->required();
  init->add_option("--central-ca", options->central_ca,
                   "PEM CA file to verify central's certificate against (besides the pinned key)");
  init->callback([options] { exit_code() = run_init(*options); });

  auto* backup = station->add_subcommand("backup", "write an online backup of a station database (safe while it runs)");
  add_database_option(*backup, options->db_url);
  backup->add_option("--to", options->backup_to, "the backup file to create (must not exist)")->required();
  backup->callback([options] { exit_code() = run_backup(*options); });
}

}  // namespace ektp::cli
