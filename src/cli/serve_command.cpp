// `ektp serve`: the central server — opens and migrates the database, optionally loads a demo
// regency, and serves the API and the web front end until SIGINT/SIGTERM.
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/audit_journal.h"
#include "agency/agency_call_ledger.h"
#include "agency/delivery_schedule.h"
#include "agency/event_outbox.h"
#include "agency/webhook_delivery.h"
#include "agency/webhook_signature.h"
#include "api/api_services.h"
#include "api/http.h"
#include "api/http_server.h"
#include "api/server_routes.h"
#include "card/demo_cards.h"
#include "card/chip_issuer.h"
#include "card/pcsc_reader.h"
#include "card/suket_keys.h"
#include "cli/token_option.h"
#include "api/tls_trust.h"
#include "api/webhook_sender.h"
#include "api/bulk_match_routes.h"
#include "bulk_matching/bulk_job_files.h"
#include "bulk_matching/bulk_job_store.h"
#include "bulk_matching/bulk_job_worker.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/listen_options.h"
#include "cli/wall_clock.h"
#include "card/demo_stock.h"
#include "registry/demo/demo_loader.h"
#include "abis/dedup_jobs.h"
#include "abis/dedup_service.h"
#include "store/migrations.h"
#include "sync/birth_items.h"
#include "sync/civil_event_items.h"
#include "sync/move_in_items.h"
#include "sync/enrollment_items.h"
#include "sync/enrollment_payload.h"
#include "sync/station_directory.h"
#include "sync/sync_ingest.h"

namespace ektp::cli {

namespace {

struct ServeOptions {
  std::string db_url;
  ListenOptions listen;
  std::string demo_regency;
  std::size_t demo_size = 50'000;
  std::string audit_anchor;
  std::string read_quota;  // access::parse_read_quota
  std::string require_totp_for = "admin,adjudicator";  // parse_totp_roles
  std::string public_url;  // printed on SUKETs: where /verifikasi is
  TokenOptions chip_token;  // the print step personalises chips when --chip-token-label is given
  std::string chip_reader;  // the printer's PC/SC reader (empty: the first with a card)
  bool allow_private_webhooks = false;  // development and tests only
  double webhook_retry_scale = 1.0;     // tests only: shrinks the retry schedule
  std::string webhook_ca_file;          // CA certificates for receivers instead of the system's
  std::string bulk_match_dir;           // agencies' uploads and results (default: beside the journal)
  std::uint64_t bulk_file_bytes_max = bulk::bulk_job_limits::file_bytes_max_default;
  std::size_t bulk_match_threads = 2;
};

// The delivery worker's passes, in the log: only those that did something.
void log_webhook_pass(const Result<agency::DeliveryPass>& pass) {
  if (!pass) {
    spdlog::warn("webhook deliveries: {}", pass.error().message);
    return;
  }
  if (pass->delivered + pass->failed + pass->dead == 0) return;
  spdlog::info("webhook deliveries: {} delivered, {} failed (tried again later), {} dead-lettered", pass->delivered,
               pass->failed, pass->dead);
  for (const auto& failure : pass->failures) spdlog::info("webhook {}", failure);
}

// "admin,adjudicator", or "none".
Result<std::vector<Role>> parse_totp_roles(std::string_view text) {
  std::vector<Role> roles;
  if (text == "none") return roles;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto role = parse_role(item);
    if (!role) return invalid_argument(fmt::format("--require-totp-for: '{}' is not a role (or say none)", item));
    roles.push_back(*role);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return roles;
}

}  // namespace

std::filesystem::path default_web_root() {
  if (std::filesystem::exists("web/index.html")) return "web";
  std::filesystem::path source = std::filesystem::path(EKTP_SOURCE_DIR) / "web";
  if (std::filesystem::exists(source / "index.html")) return source;
  return {};
}

namespace {

// The demo needs people to log in as, with a password printed on the console. It follows the
// same rules as a real office (access/staff.h): the bootstrap admin, a second admin it approves,
// and adjudicators created by the first admin and approved by the second. The NIKs are made-up
// staff persons of district 332701, not residents of the demo population. Only into a database
// without any user: a demo flag on a real database never adds accounts with a printed password.
// Returns whether it created them.
bool create_demo_users(store::Database& db, access::AuthService& auth) {
  constexpr const char* kDemoPassword = "ektp-demo-2026";
  const auto now = std::chrono::system_clock::now();
  auto users = store::with_read_transaction<store::QueryResult>(
      db, [](store::Connection& c) { return c.execute("SELECT 1 FROM users LIMIT 1"); });
  if (!users || !users->rows.empty()) {
    if (!users) spdlog::warn("demo users not created: {}", users.error().message);
    return false;
  }
  struct DemoUser {
    const char* name;
    Role role;
    const char* nik;
    const char* created_by;
    const char* approver;
  };
  constexpr DemoUser kUsers[] = {
      {"admin", Role::kAdmin, "3327011501800901", "", ""},
      {"admin2", Role::kAdmin, "3327012002810902", "", "admin"},
      {"operator", Role::kOperator, "", "", ""},
      {"supervisor", Role::kSupervisor, "", "", ""},
      {"adjudikator1", Role::kAdjudicator, "3327015003850903", "admin", "admin2"},
      {"adjudikator2", Role::kAdjudicator, "3327010504870904", "admin", "admin2"},
  };
  for (const auto& u : kUsers) {
    auto created = auth.create_user(access::NewUser{u.name, kDemoPassword, u.role, {u.nik, ""}, u.created_by}, now);
    if (!created) {
      if (created.error().code != ErrorCode::kAlreadyExists) {
        spdlog::warn("demo user '{}' not created: {}", u.name, created.error().message);
      }
      continue;
    }
    if (*created == access::Approval::kPending) {
      if (auto approved = auth.approve_user(u.name, u.approver, now); !approved) {
        spdlog::warn("demo user '{}' not approved: {}", u.name, approved.error().message);
        continue;
      }
    }
    spdlog::info("demo user '{}' ({}) with password '{}'", u.name, role_id(u.role), kDemoPassword);
  }
  return true;
}

// The demo's operator and supervisor work for the demo regency's Dinas.
void assign_demo_offices(access::AuthService& auth, const std::string& regency) {
  for (const char* name : {"operator", "supervisor"}) {
    if (auto assigned = auth.set_office_region(name, regency, std::chrono::system_clock::now()); !assigned) {
      spdlog::warn("demo user '{}': {}", name, assigned.error().message);
    }
  }
}

int run_serve(const ServeOptions& options) {
  access::ReadQuotaLimits quota_limits;
  if (!options.read_quota.empty()) {
    if (auto parsed = access::parse_read_quota(options.read_quota, quota_limits); !parsed) return report(parsed.error());
  }
  auto db = open_database(options.db_url);
  if (!db) return report(db.error());
  auto migrated = store::migrate(**db, store::registry_migrations());
  if (!migrated) return report(migrated.error());
  if (!migrated->empty()) spdlog::info("applied {} migration(s)", migrated->size());
  const auto& regions = RegionDirectory::builtin();
  auto totp_roles = parse_totp_roles(options.require_totp_for);
  if (!totp_roles) return report(totp_roles.error());
  access::AuthService auth(**db);
  bool seed_demo_cards = false;  // after the SUKET keys are open
  if (!options.demo_regency.empty()) {
    registry::demo::DemoOptions demo;
    demo.regency_code = options.demo_regency;
    demo.persons = options.demo_size;
    demo.today = jakarta_date_of(std::chrono::system_clock::now());
    auto loaded = registry::demo::load_demo_population(**db, demo, [](std::size_t done, std::size_t total) {
      spdlog::info("demo population: {} of {} persons", done, total);
    });
    if (loaded) {
      spdlog::info("demo population of regency {} loaded: {} persons", options.demo_regency, *loaded);
      const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
      if (auto seeded = card::seed_demo_stock(**db, options.demo_regency, now_ms); !seeded) {
        spdlog::warn("demo blanko stock not seeded: {}", seeded.error().message);
      } else if (*seeded) {
        spdlog::info("demo blanko stock of {}: 4 deliveries of 500, a transfer, 3 spoiled", options.demo_regency);
        seed_demo_cards = true;
      }
    } else if (loaded.error().code == ErrorCode::kFailedPrecondition) {
      spdlog::info("database already has residents; demo not loaded again");
    } else {
      return report(loaded.error());
    }
    // Offices only for the demo's own users: on a database with accounts, `--demo` changes none.
    if (create_demo_users(**db, auth)) assign_demo_offices(auth, options.demo_regency);
  }
  // Every civil event writes the deliveries of the agencies' subscriptions it concerns in its own
  // transaction, at central's desks and when a station's item is applied (agency/event_outbox.h).
  // Once such an event commits, the delivery worker (made further down) is woken.
  std::atomic<agency::WebhookDeliveryWorker*> delivery_worker{nullptr};
  const registry::EventHook event_outbox = agency::event_outbox_hook([&delivery_worker] {
    if (auto* worker = delivery_worker.load()) worker->wake();
  });
  registry::CivilRegistry civil(**db, regions, event_outbox);
  auto anchorer = start_audit_anchorer(**db, options.db_url, options.audit_anchor);
  if (!anchorer) return report(anchorer.error());
  // Reads' audit records are made durable in a journal beside the anchor, then chained in bulk.
  auto journal = access::AuditJournal::open(access::audit_journal_dir((*anchorer)->anchor().dir()));
  if (!journal) return report(journal.error());
  spdlog::info("audit records of reads are journaled in {} and chained every 100 ms", (*journal)->dir().string());
  access::AuditWriter audit(**db, std::move(*journal));
  // The key of second factors lives beside the audit chain's signing key, outside the database.
  auto totp_key = access::TotpSecretKey::open(access::default_totp_key_path((*anchorer)->anchor().dir()), true);
  if (!totp_key) return report(totp_key.error());
  auth.enable_totp(std::move(*totp_key), *totp_roles);
  if (!totp_roles->empty()) spdlog::info("second factor (TOTP) required for: {}", options.require_totp_for);
  auto sync_key = sync::central_signing_key(**db, wall_ms());
  if (!sync_key) return report(sync_key.error());
  sync::SyncIngest ingest(**db, *sync_key);
  // Every received enrollment becomes a dedup job in the same transaction; the worker searches it
  // against everyone enrolled (jobs survive restarts: they live in the database).
  auto dedup = abis::DedupService::open(**db, {}, [](const abis::GalleryLoadProgress& p) {
    spdlog::info("dedup gallery: {} of {} enrollments read, {} persons", p.enrollments_done, p.enrollments_total, p.persons);
  });
  if (!dedup) return report(dedup.error());
  ingest.set_handler(std::string(sync::kEnrollmentKind),
                     sync::make_enrollment_handler([](store::Connection& c, const registry::Enrollment& e,
                                                      std::int64_t now) {
                       return abis::enqueue_dedup_job(c, e.enrollment_id, e.nik, now);
                     }));
  ingest.set_handler(std::string(sync::kBirthKind), sync::make_birth_handler(&event_outbox));
  ingest.set_handler(std::string(sync::kMoveInKind), sync::make_move_in_handler(regions, &event_outbox));
  ingest.set_handler(std::string(sync::kDeathKind), sync::make_death_handler(&event_outbox));
  ingest.set_handler(std::string(sync::kDivorceKind), sync::make_divorce_handler(&event_outbox));
  ingest.set_handler(std::string(sync::kMarriageKind), sync::make_marriage_handler(regions, &event_outbox));
  ingest.set_after_apply([service = dedup->get()] { service->wake(); });
  (*dedup)->start();
  access::ReadQuota read_quota(quota_limits);
  api::ApiServices services{**db, regions, civil, auth, audit, &ingest, dedup->get(), &(*anchorer)->anchor(), {}};
  services.read_quota = &read_quota;
  agency::AgencyCallLedger agency_calls(**db);  // declared before the server: outlives its answers
  services.agency_calls = &agency_calls;
  // SUKET signing keys live beside the audit chain's signing key too (files of mode 0600).
  auto suket_keys = card::SuketKeys::open((*anchorer)->anchor().dir(), true);
  if (!suket_keys) return report(suket_keys.error());
  services.suket_keys = suket_keys->get();
  services.public_url = options.public_url;
  spdlog::info("SUKET trust root {}", card::key_id_hex((*suket_keys)->root().public_key()));
  // Agencies' webhooks are signed with a key beside the audit chain's (a file of mode 0600) and
  // sent by a worker that keeps its state in the database.
  auto webhook_key = agency::WebhookSigningKey::open(agency::default_webhook_key_path((*anchorer)->anchor().dir()), true);
  if (!webhook_key) return report(webhook_key.error());
  services.webhook_key = &*webhook_key;
  services.allow_private_webhooks = options.allow_private_webhooks;
  spdlog::info("webhooks are signed with Ed25519 key {} (GET /api/v1/agency/webhook-key)", webhook_key->public_key_whpk());
  if (options.allow_private_webhooks) {
    spdlog::warn("--allow-private-webhooks: subscriptions may send events to loopback, private and link-local "
                 "addresses (development and tests only, never in production)");
  }
  if (options.webhook_retry_scale != 1.0) {
    spdlog::warn("--webhook-retry-scale {}: failed webhooks are retried {}x sooner than the schedule (tests only)",
                 options.webhook_retry_scale, 1.0 / options.webhook_retry_scale);
  }
  agency::DeliveryWorkerOptions delivery_options;
  delivery_options.retry_scale = options.webhook_retry_scale;
  if (options.webhook_retry_scale < 1.0) delivery_options.poll_interval = std::chrono::milliseconds(100);
  api::WebhookSenderOptions sender_options;
  sender_options.trust.ca_file = options.webhook_ca_file;
  sender_options.allow_private_addresses = options.allow_private_webhooks;
  agency::WebhookDeliveryWorker webhook_worker(**db, *webhook_key, api::https_webhook_sender(sender_options), wall_ms,
                                               delivery_options);
  delivery_worker = &webhook_worker;
  struct ForgetWorker {  // the hook outlives the worker
    std::atomic<agency::WebhookDeliveryWorker*>& worker;
    ~ForgetWorker() { worker = nullptr; }
  } forget_worker{delivery_worker};
  if (seed_demo_cards) {
    auto cards = card::seed_demo_cards(**db, **suket_keys, regions, options.demo_regency, wall_ms());
    if (!cards) {
      spdlog::warn("demo cards not seeded: {}", cards.error().message);
    } else {
      spdlog::info("demo cards of {}: {} printed, {} collected, {} waiting, {} SUKETs; kecamatan {} prints with "
                   "no blanko yet ({} waiting with no date)",
                   options.demo_regency, cards->printed, cards->collected, cards->waiting, cards->sukets,
                   cards->no_stock_office, cards->no_stock_waiting);
    }
  }
  // The print step's chip: the issuer's token is opened once; each print connects to the printer's
  // reader, and one card is personalised at a time.
  std::optional<card::Pkcs11Token> chip_token;
  std::mutex chip_mutex;
  if (token_given(options.chip_token)) {
    auto token = open_token(options.chip_token);
    if (!token) return report(token.error());
    chip_token.emplace(std::move(*token));
    card::ChipIssuer check(*chip_token, **db, "system");
    if (auto csca = check.csca(); !csca) return report(csca.error());
    services.print_with_chip = [&](const card::StockChange& change) -> Result<card::PersonalisedChip> {
      std::lock_guard lock(chip_mutex);
      EKTP_ASSIGN_OR_RETURN(auto reader, card::PcscCard::connect(options.chip_reader));
      card::ChipIssuer issuer(*chip_token, **db, change.actor);
      auto* r = reader.get();
      return card::print_and_personalise_next(
          issuer, **db, change, [r](std::span<const std::uint8_t> apdu) { return r->transmit(apdu); },
          card::system_chip_random());
    };
    spdlog::info("print step personalises chips: token '{}', reader '{}'", chip_token->label(),
                 options.chip_reader.empty() ? "the first with a card" : options.chip_reader);
  }
  if (!options.listen.tls_cert.empty()) {
    auto pin = api::certificate_spki_sha256(options.listen.tls_cert);
    if (!pin) return report(pin.error());
    services.tls_pin = *pin;
    spdlog::info("TLS key pin (SHA-256 of the SubjectPublicKeyInfo): {}", *pin);
  }
  // Agencies' bulk-matching jobs: files in a private folder, jobs in the database, run one at a
  // time in the background; a job a stopped server left running resumes from its checkpoint.
  auto bulk_files = bulk::BulkJobFiles::open(options.bulk_match_dir.empty()
                                                 ? (*anchorer)->anchor().dir() / "bulk-matching"
                                                 : std::filesystem::path(options.bulk_match_dir));
  if (!bulk_files) return report(bulk_files.error());
  bulk::BulkJobWorkerOptions bulk_options;
  bulk_options.threads = options.bulk_match_threads;
  bulk::BulkJobWorker bulk_worker(**db, regions, *bulk_files, wall_ms, bulk_options);
  services.bulk_files = &*bulk_files;
  services.bulk_worker = &bulk_worker;
  services.bulk_file_bytes_max = options.bulk_file_bytes_max;
  spdlog::info("bulk-matching files in {} (at most {} bytes a file)", bulk_files->dir().string(),
               options.bulk_file_bytes_max);
  auto router = std::make_shared<api::Router>();
  api::add_central_server_routes(*router, services);
  api::HttpServerOptions server_options = server_options_of(options.listen);
  // A large upload is read only from a station central has provisioned, or (a piece of a
  // bulk-matching file) from an agency whose agreement includes bulk_match.
  server_options.upload_gate = [&db, &services](const api::HttpRequest& request) {
    if (api::is_bulk_upload_target(request.target)) return api::bulk_upload_allowed(services, request);
    const auto station = request.headers.find("x-ektp-station");
    if (!request.target.starts_with("/api/v1/sync/") || station == request.headers.end() ||
        !request.headers.contains("x-ektp-signature")) {
      return false;
    }
    auto record = store::with_read_transaction<sync::StationRecord>(
        **db, [&](store::Connection& c) { return sync::load_station(c, station->second); });
    // A revoked station is still let in far enough to be told so (403) by the route.
    return record && record->status != "registered";
  };
  api::HttpServer server(server_options, router);
  if (auto started = server.start(); !started) return report(started.error());
  const char* scheme = server.tls() ? "https" : "http";
  spdlog::info("ektp serving {} on {}://{}:{}/ (web root '{}')", (*db)->describe(), scheme, options.listen.address,
               server.port(), server_options.web_root.string());
  std::cout << "listening on " << scheme << "://" << options.listen.address << ":" << server.port() << "/"
            << std::endl;
  webhook_worker.start(log_webhook_pass);
  bulk_worker.start();
  server.run_until_signal();
  bulk_worker.stop();     // the running job stops after its chunk and resumes at the next start
  webhook_worker.stop();  // waits for an attempt in flight (at most its timeout)
  (*dedup)->stop();
  if (auto flushed = audit.flush(); !flushed) return report(flushed.error());
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void register_serve_commands(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "run the central server (API + web)");
  add_database_option(*serve, options->db_url);
  add_listen_options(*serve, options->listen);
  add_audit_anchor_option(*serve, options->audit_anchor);
  serve->add_option("--demo", options->demo_regency, "load a demo population of this regency (e.g. 3327) into an empty database");
  serve->add_option("--demo-size", options->demo_size, "persons in the demo population")
      ->check(CLI::Range(std::size_t{1}, std::size_t{5'000'000}))->capture_default_str();
  serve->add_option("--chip-token-label", options->chip_token.label,
                    "personalise each printed card's chip with the keys in this PKCS#11 token");
  serve->add_option("--chip-token-module", options->chip_token.module, "the PKCS#11 module")->capture_default_str();
  serve->add_option("--chip-pin-file", options->chip_token.pin_file,
                    "the token's user PIN, in a file of mode 0600 (else $EKTP_TOKEN_PIN)");
  serve->add_option("--chip-reader", options->chip_reader, "the printer's PC/SC reader (default: the first with a card)");
  serve->add_option("--public-url", options->public_url,
                    "the address residents and verifiers reach this server at (e.g. https://ektp.pemalangkab.go.id), "
                    "printed on SUKETs; default: the listen address")
      ->check([](const std::string& v) {
        return v.starts_with("https://") || v.starts_with("http://") ? std::string() : std::string("an http(s):// URL");
      });
  serve->add_option("--read-quota", options->read_quota,
                    "residents each user may read a day, by role, and how many within 10 minutes raise an alert, "
                    "e.g. operator=2000,supervisor=5000,adjudicator=2000,admin=1000,alert=300 (these are the defaults)");
  serve->add_option("--require-totp-for", options->require_totp_for,
                    "roles that must sign in with a second factor (TOTP): a session with the password alone may "
                    "only enrol one; 'none' for no role (anyone may still enrol)")
      ->capture_default_str();
  serve->add_flag("--allow-private-webhooks", options->allow_private_webhooks,
                  "let agencies' subscriptions send events to loopback, private and link-local addresses "
                  "(development and tests only; said in the log)");
  serve->add_option("--webhook-retry-scale", options->webhook_retry_scale,
                    "for tests only: multiply every wait of the webhook retry schedule (30 s … 24 h) by this "
                    "factor, e.g. 0.001")
      ->check(CLI::Range(agency::kRetryScaleMin, 1.0))
      ->capture_default_str();
  serve->add_option("--webhook-ca-file", options->webhook_ca_file,
                    "PEM CA certificates that agencies' webhook receivers are checked against, instead of the "
                    "system's")
      ->check(CLI::ExistingFile);
  serve->add_option("--bulk-match-dir", options->bulk_match_dir,
                    "folder (mode 0700) of agencies' bulk-matching uploads and results (default: bulk-matching "
                    "in the audit anchor's folder)");
  serve->add_option("--bulk-file-bytes-max", options->bulk_file_bytes_max,
                    "the largest file an agency may upload for bulk matching, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  serve->add_option("--bulk-match-threads", options->bulk_match_threads, "threads a bulk-matching job matches with")
      ->check(CLI::Range(std::size_t{1}, bulk::kJobThreadsMax))
      ->capture_default_str();
  serve->callback([options] { exit_code() = run_serve(*options); });
}

}  // namespace ektp::cli
