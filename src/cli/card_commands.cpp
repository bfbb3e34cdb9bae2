// Card production from the command line (card/blanko_stock.h, card/print_queue.h):
//   ektp card stock receive|transfer|spoil|return|show|verify …
//   ektp card queue --office 3327      (queues siap-cetak residents, lists the queue)
//   ektp card print-next --office 3327 --by USER
//   ektp card spoil-print --request N --reason … --by USER
//   ektp card request-replacement --nik NIK --reason lost|damaged|changed_data --detail … --by USER
//        (a card reported lost or damaged is revoked at once: its chip goes on the revocation list)
// Output is JSON on stdout; refusals go to stderr with exit status 1 (verify: 2 when broken).
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "card/card_face_source.h"
#include "card/print_queue.h"
#include "core/civil_date.h"
#include "core/region.h"
#include <fstream>
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/wall_clock.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

struct CardOptions {
  std::string db;
  std::string office;
  std::string to;
  std::string by;
  std::string allocation;
  std::string reason;
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::int64_t serial = 0;
  std::int64_t count = 0;
  std::int64_t request = 0;
  std::size_t limit = 50;
  std::string nik;
  std::string detail;
  std::string png;
  std::string pdf;
};

// Writes `bytes` to `path` (0644: a card face is printed, not a secret store — but it is personal
// data, so the caller chooses where).
Status write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return make_error(ErrorCode::kUnavailable, "cannot write " + path);
  return {};
}

// Opens and migrates the database, then runs `body`; its Result is printed as JSON.
template <class F>
int with_db(const CardOptions& o, F&& body) {
  auto db = open_database(o.db);
  if (!db) return report(db.error());
  if (auto m = store::migrate(**db, store::registry_migrations()); !m) return report(m.error());
  Result<boost::json::value> out = body(**db);
  if (!out) return report(out.error());
  std::cout << boost::json::serialize(*out) << "\n";
  return 0;
}

boost::json::object balance_json(const card::OfficeBalance& b) {
  return {{"received", b.received}, {"transferred_in", b.transferred_in}, {"transferred_out", b.transferred_out},
          {"used", b.used},         {"spoiled", b.spoiled},               {"returned", b.returned},
          {"on_hand", b.on_hand()}};
}

boost::json::object request_json(const card::PrintRequest& r) {
  return {{"id", r.id},
          {"nik", r.nik},
          {"office", r.office},
          {"reason", card::print_reason_id(r.reason)},
          {"urgent_reason", r.urgent_reason},
          {"status", card::print_status_id(r.status)},
          {"requested_at_ms", r.requested_at_ms},
          {"blanko_serial", r.blanko_serial},
          {"printed_by", r.printed_by}};
}

boost::json::value show_office(store::Database& db, const std::string& office, std::size_t limit) {
  auto conn = db.connect();
  if (!conn) return boost::json::object{{"error", conn.error().message}};
  auto balance = card::office_balance(**conn, office);
  auto on_hand = card::on_hand_count(**conn, office);
  auto movements = card::load_movements(**conn, office, limit);
  boost::json::array recent;
  if (movements) {
    for (const auto& m : *movements) {
      recent.push_back({{"seq", m.seq}, {"kind", card::movement_kind_id(m.kind)}, {"first", m.serials.first},
                        {"last", m.serials.last}, {"counterpart", m.counterpart}, {"actor", m.actor},
                        {"reason", m.reason}, {"at_ms", m.at_ms}});
    }
  }
  return boost::json::object{{"office", office},
                             {"balance", balance ? balance_json(*balance) : boost::json::object{}},
                             {"on_hand_now", on_hand ? *on_hand : -1},
                             {"movements", recent}};
}

int run_verify(const CardOptions& o) {
  auto db = open_database(o.db);
  if (!db) return report(db.error());
  if (auto m = store::migrate(**db, store::registry_migrations()); !m) return report(m.error());
  auto v = card::verify_stock(**db);
  if (!v) return report(v.error());
  boost::json::object offices;
  for (const auto& [office, balance] : v->replay.offices) offices[office] = balance_json(balance);
  boost::json::array mismatches;
  for (const auto& m : v->mismatches) mismatches.push_back(boost::json::string(m));
  boost::json::object out{{"valid", v->ok()},
                          {"movements", v->replay.movements},
                          {"blanko", v->serials_checked},
                          {"offices", offices},
                          {"problem", v->replay.problem},
                          {"mismatches", mismatches}};
  std::cout << boost::json::serialize(out) << "\n";
  if (!v->ok()) {
    std::cerr << "the blanko ledger does not reconcile: "
              << (v->replay.consistent() ? v->mismatches.front() : v->replay.problem) << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

void register_card_commands(CLI::App& app) {
  auto o = std::make_shared<CardOptions>();
  auto* card = app.add_subcommand("card", "card production: blanko stock and the print queue");
  card->require_subcommand(1);
  auto* stock = card->add_subcommand("stock", "the blanko stock ledger of each office");
  stock->require_subcommand(1);
  const auto office_option = [&](CLI::App& c) {
    c.add_option("--office", o->office, "the office: regency/city (4 digits) or kecamatan (6 digits) code")->required();
  };
  const auto by_option = [&](CLI::App& c) { c.add_option("--by", o->by, "username of who does it")->required(); };

  auto* receive = stock->add_subcommand("receive", "a numbered range of blanko arrives from an allocation");
  add_database_option(*receive, o->db);
  office_option(*receive);
  by_option(*receive);
  receive->add_option("--first", o->first, "first blanko number")->required();
  receive->add_option("--last", o->last, "last blanko number (inclusive)")->required();
  receive->add_option("--allocation", o->allocation, "the allocation or delivery note")->required();
  receive->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::receive_blanko(db, {o->office, o->by, wall_ms()}, {o->first, o->last}, o->allocation));
      return show_office(db, o->office, 5);
    });
  });

  auto* transfer = stock->add_subcommand("transfer", "move blanko (the lowest numbers on hand) to another office");
  add_database_option(*transfer, o->db);
  office_option(*transfer);
  by_option(*transfer);
  transfer->add_option("--to", o->to, "the receiving office")->required();
  transfer->add_option("--count", o->count, "how many")->required();
  transfer->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_ASSIGN_OR_RETURN(auto ranges, card::transfer_blanko(db, {o->office, o->by, wall_ms()}, o->to, o->count));
      boost::json::array moved;
      for (const auto& r : ranges) moved.push_back({{"first", r.first}, {"last", r.last}});
      return boost::json::object{{"from", o->office}, {"to", o->to}, {"moved", moved}};
    });
  });

  auto* spoil = stock->add_subcommand("spoil", "one blanko is spoiled before printing");
  add_database_option(*spoil, o->db);
  office_option(*spoil);
  by_option(*spoil);
  spoil->add_option("--serial", o->serial, "the blanko number")->required();
  spoil->add_option("--reason", o->reason, "why")->required();
  spoil->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::spoil_blanko(db, {o->office, o->by, wall_ms()}, o->serial, o->reason));
      return show_office(db, o->office, 5);
    });
  });

  auto* give_back = stock->add_subcommand("return", "a numbered range goes back up the chain");
  add_database_option(*give_back, o->db);
  office_option(*give_back);
  by_option(*give_back);
  give_back->add_option("--first", o->first, "first blanko number")->required();
  give_back->add_option("--last", o->last, "last blanko number (inclusive)")->required();
  give_back->add_option("--reason", o->reason, "why");
  give_back->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::return_blanko(db, {o->office, o->by, wall_ms()}, {o->first, o->last}, o->reason));
      return show_office(db, o->office, 5);
    });
  });

  auto* show = stock->add_subcommand("show", "an office's balance and latest movements");
  add_database_option(*show, o->db);
  office_option(*show);
  show->add_option("--limit", o->limit, "movements to list")->check(CLI::Range(1, 1000));
  show->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::validate_office_code(o->office));
      return show_office(db, o->office, o->limit);
    });
  });

  auto* verify = stock->add_subcommand("verify", "replay the whole ledger: balances reconcile, no blanko used twice");
  add_database_option(*verify, o->db);
  verify->callback([o] { exit_code() = run_verify(*o); });

  auto* queue = card->add_subcommand("queue", "queue residents ready to print, and list an office's queue");
  add_database_option(*queue, o->db);
  office_option(*queue);
  queue->add_option("--limit", o->limit, "requests to list")->check(CLI::Range(1, 10000));
  queue->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::validate_office_code(o->office));
      EKTP_ASSIGN_OR_RETURN(auto queued, card::queue_ready_to_print(db, wall_ms()));
      auto conn = db.connect();
      if (!conn) return std::unexpected(conn.error());
      EKTP_ASSIGN_OR_RETURN(auto waiting, card::waiting_requests(**conn, o->office, o->limit));
      boost::json::array list;
      for (const auto& r : waiting) list.push_back(request_json(r));
      return boost::json::object{{"queued_now", queued}, {"waiting", list}};
    });
  });

  auto* print = card->add_subcommand("print-next", "print the office's next card on its lowest blanko");
  add_database_option(*print, o->db);
  office_option(*print);
  by_option(*print);
  print->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(db, wall_ms()));
      EKTP_ASSIGN_OR_RETURN(auto printed, card::print_next(db, {o->office, o->by, wall_ms()}));
      return request_json(printed);
    });
  });

  auto* face = card->add_subcommand("face", "render a resident's card face (PNG at 300 dpi, PDF)");
  add_database_option(*face, o->db);
  face->add_option("--nik", o->nik, "the resident")->required();
  face->add_option("--png", o->png, "write the PNG here");
  face->add_option("--pdf", o->pdf, "write the PDF here");
  face->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      if (o->png.empty() && o->pdf.empty()) return invalid_argument("give --png FILE, --pdf FILE or both");
      auto conn = db.connect();
      if (!conn) return std::unexpected(conn.error());
      EKTP_ASSIGN_OR_RETURN(auto card_face, card::card_face_for(**conn, RegionDirectory::builtin(), o->nik,
                                                                jakarta_date_of(std::chrono::system_clock::now())));
      boost::json::object out{{"nik", o->nik}};
      if (!o->png.empty()) {
        EKTP_ASSIGN_OR_RETURN(auto png, card::render_card_face_png(card_face));
        EKTP_RETURN_IF_ERROR(write_file(o->png, std::string_view(reinterpret_cast<const char*>(png.data()), png.size())));
        out["png"] = o->png;
      }
      if (!o->pdf.empty()) {
        EKTP_ASSIGN_OR_RETURN(auto pdf, card::render_card_face_pdf(card_face));
        EKTP_RETURN_IF_ERROR(write_file(o->pdf, pdf));
        out["pdf"] = o->pdf;
      }
      return out;
    });
  });

  auto* replacement = card->add_subcommand("request-replacement", "a resident's card is lost, damaged or outdated");
  add_database_option(*replacement, o->db);
  by_option(*replacement);
  replacement->add_option("--nik", o->nik, "the resident")->required();
  replacement->add_option("--reason", o->reason, "lost, damaged or changed_data")->required();
  replacement->add_option("--detail", o->detail, "the police report number (lost), or what changed")->required();
  replacement->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_ASSIGN_OR_RETURN(auto reason, card::parse_print_reason(o->reason));
      EKTP_ASSIGN_OR_RETURN(auto request, card::request_replacement(db, {o->nik, reason, o->detail, ""}, o->by, wall_ms()));
      return request_json(request);
    });
  });

  auto* spoil_print = card->add_subcommand("spoil-print", "a printed card came out bad: spoil its blanko, requeue");
  add_database_option(*spoil_print, o->db);
  by_option(*spoil_print);
  spoil_print->add_option("--request", o->request, "the print request")->required();
  spoil_print->add_option("--reason", o->reason, "what went wrong")->required();
  spoil_print->callback([o] {
    exit_code() = with_db(*o, [&](store::Database& db) -> Result<boost::json::value> {
      EKTP_RETURN_IF_ERROR(card::spoil_print(db, o->request, o->reason, o->by, wall_ms()));
      auto conn = db.connect();
      if (!conn) return std::unexpected(conn.error());
      EKTP_ASSIGN_OR_RETURN(auto request, card::load_print_request(**conn, o->request));
      return request_json(request);
    });
  });
}

}  // namespace ektp::cli
