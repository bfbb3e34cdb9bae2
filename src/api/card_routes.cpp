#include "api/card_routes.h"

#include <boost/json.hpp>

#include "api/card_route_support.h"
#include "api/person_reads.h"
#include "api/route_support.h"
#include "card/allocation_requests.h"
#include "card/announced_deliveries.h"
#include "card/card_face_source.h"
#include "card/print_queue.h"
#include "card/printing_offices.h"
#include "card/ready_date_source.h"
#include "card/stock_outlook.h"
#include "core/civil_date.h"
#include "registry/person_store.h"

namespace ektp::api {

namespace {

using boost::json::object;
using namespace ektp::json;

constexpr std::size_t kCardBodyBytesMax = 2048;
constexpr std::int64_t kQueueListMax = 500;
constexpr std::size_t kMovementsShown = 50;

object balance_json(const card::OfficeBalance& b) {
  return {{"received", b.received}, {"transferred_in", b.transferred_in}, {"transferred_out", b.transferred_out},
          {"used", b.used},         {"spoiled", b.spoiled},               {"returned", b.returned},
          {"on_hand", b.on_hand()}};
}

Result<object> stock_json(ApiServices& s, std::string_view office) {
  return store::with_read_transaction<object>(s.db, [&](store::Connection& c) -> Result<object> {
    EKTP_ASSIGN_OR_RETURN(auto outlook, card::stock_outlook(c, office, now_ms(s)));
    EKTP_ASSIGN_OR_RETURN(auto balance, card::office_balance(c, office));
    EKTP_ASSIGN_OR_RETURN(auto on_hand, card::on_hand_count(c, office));
    EKTP_ASSIGN_OR_RETURN(auto movements, card::load_movements(c, office, kMovementsShown));
    EKTP_ASSIGN_OR_RETURN(auto prints, card::office_prints(c, office));
    boost::json::array recent;
    for (const auto& m : movements) {
      recent.push_back({{"seq", m.seq}, {"kind", card::movement_kind_id(m.kind)}, {"first", m.serials.first},
                        {"last", m.serials.last}, {"counterpart", m.counterpart}, {"print_request", m.print_request},
                        {"actor", m.actor}, {"reason", m.reason}, {"at_ms", m.at_ms}});
    }
    object outlook_json{{"used_last_30_days", outlook.used_in_window},
                        {"used_per_day", outlook.used_per_day},
                        {"days_left", outlook.days_left ? boost::json::value(*outlook.days_left) : nullptr},
                        {"delivery_gap_days",
                         outlook.delivery_gap_days ? boost::json::value(*outlook.delivery_gap_days) : nullptr},
                        {"low", outlook.low}};
    return object{{"office", office},       {"prints", prints},          {"balance", balance_json(balance)},
                  {"on_hand", on_hand},     {"outlook", outlook_json}, {"movements", recent}};
  });
}

// The caller, allowed for `office`; the change the stock functions take.
Result<card::StockChange> stock_caller(ApiServices& s, const HttpRequest& request, std::string_view office,
                                       std::string_view what) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
  EKTP_RETURN_IF_ERROR(check_office_scope(s, session, office, what));
  return card::StockChange{std::string(office), session.username, now_ms(s)};
}

// POST /api/v1/card/offices/{office}/stock/…: a movement of the office's stock from the body;
// answers the stock afterwards.
template <class Move>
Handler stock_move(ApiServices& s, std::string what, int status, Move move) {
  return guarded([&s, what = std::move(what), status, move](const HttpRequest& request) -> Result<HttpResponse> {
    const auto& office = request.path_params.at("office");
    EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, what));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
    EKTP_RETURN_IF_ERROR(move(caller, body));
    EKTP_ASSIGN_OR_RETURN(auto stock, stock_json(s, office));
    return json_response(stock, status);
  });
}

// POST /api/v1/card/requests/{id}/…: one text field in the body, one action on the request, the
// request as it is afterwards.
template <class Act>
Handler request_action(ApiServices& s, std::string what, std::string field, Act act) {
  return guarded([&s, what = std::move(what), field = std::move(field), act](const HttpRequest& request)
                     -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
    EKTP_ASSIGN_OR_RETURN(auto print_request, load_request(s, request.path_params.at("id")));
    EKTP_RETURN_IF_ERROR(check_office_scope(s, session, print_request.office, what));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
    EKTP_RETURN_IF_ERROR(only_fields(body, {std::string_view(field)}));
    EKTP_ASSIGN_OR_RETURN(auto value, required_string(body, field));
    EKTP_RETURN_IF_ERROR(act(print_request.id, value, session.username));
    EKTP_ASSIGN_OR_RETURN(auto after, load_request(s, request.path_params.at("id")));
    return json_response(request_json(after));
  });
}

object allocation_json(const card::AllocationRequest& a) {
  return {{"id", a.id},
          {"office", a.office},
          {"addressed_to", a.addressed_to},
          {"count", a.count},
          {"note", a.note},
          {"on_hand", a.on_hand},
          {"used_last_30_days", a.used_last_30_days},
          {"days_left", a.days_left ? boost::json::value(*a.days_left) : nullptr},
          {"status", a.status},
          {"requested_by", a.requested_by},
          {"requested_at_ms", a.requested_at_ms},
          {"closed_by", a.closed_by},
          {"closed_at_ms", a.closed_at_ms}};
}

std::string day_text(std::int64_t day) {
  return format_civil_date(CivilDate{std::chrono::sys_days(std::chrono::days(day))});
}

object announcement_json(const card::AnnouncedDelivery& a) {
  return {{"id", a.id},
          {"office", a.office},
          {"expected_date", day_text(a.expected_day)},
          {"count", a.count},
          {"note", a.note},
          {"status", card::announcement_status_id(a.status)},
          {"announced_by", a.announced_by},
          {"announced_at_ms", a.announced_at_ms},
          {"received_at_ms", a.received_at_ms}};
}

// 409 no_blanko_on_hand, naming the next announced delivery (or saying none is announced).
Result<HttpResponse> no_blanko_answer(ApiServices& s, std::string_view office) {
  EKTP_ASSIGN_OR_RETURN(auto next, store::with_read_transaction<std::vector<card::AnnouncedDelivery>>(
                                       s.db, [&](store::Connection& c) {
                                         return card::announced_deliveries(c, office, true, 1);
                                       }));
  object params{{"office", office}};
  std::string message = fmt::format("no blanko on hand at {}", office);
  if (next.empty()) {
    params["next_delivery"] = nullptr;
    message += ", and no delivery is announced";
  } else {
    params["next_delivery"] = announcement_json(next.front());
    message += fmt::format(": the next announced delivery is {} blanko on {}", next.front().count,
                           day_text(next.front().expected_day));
  }
  object error{{"code", "failed_precondition"},
               {"reason", card::stock_reason::kNoBlanko},
               {"message", message},
               {"params", params}};
  return json_response(object{{"error", error}}, 409);
}

// The print step with the chip: the card printed on the lowest blanko and its chip personalised
// and checked (card/chip_production.h). A chip that fails has spoiled its blanko already.
Result<HttpResponse> print_next_with_chip(ApiServices& s, const card::StockChange& caller, std::string_view office) {
  auto chip = s.print_with_chip(caller);
  if (!chip && chip.error().reason == card::stock_reason::kNoBlanko) return no_blanko_answer(s, office);
  if (!chip) return std::unexpected(chip.error());
  EKTP_ASSIGN_OR_RETURN(auto printed, store::with_read_transaction<card::PrintRequest>(s.db, [&](store::Connection& c) {
                          return card::load_print_request(c, chip->record.print_request);
                        }));
  auto answer = request_json(printed);
  answer["chip"] = object{{"chip_serial", chip->record.chip_serial},
                          {"document_signer", chip->record.document_signer},
                          {"apdus", chip->apdus_written + chip->apdus_read}};
  return json_response(answer);
}

}  // namespace

void add_card_routes(Router& router, ApiServices& s) {
  router.add("GET", "/api/v1/card/offices/{office}/stock", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    const auto& office = request.path_params.at("office");
    EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "read stock"));
    EKTP_ASSIGN_OR_RETURN(auto stock, stock_json(s, caller.office));
    return json_response(stock);
  }));

  router.add("POST", "/api/v1/card/offices/{office}/stock/receive",
             stock_move(s, "receive", 201, [&s](const card::StockChange& caller, const object& body) -> Status {
               EKTP_RETURN_IF_ERROR(only_fields(body, {"first", "last", "allocation"}));
               EKTP_ASSIGN_OR_RETURN(auto first, required_int(body, "first"));
               EKTP_ASSIGN_OR_RETURN(auto last, required_int(body, "last"));
               EKTP_ASSIGN_OR_RETURN(auto allocation, required_string(body, "allocation"));
               return card::receive_blanko(s.db, caller, {first, last}, allocation);
             }));

  router.add("POST", "/api/v1/card/offices/{office}/stock/transfer",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "transfer"));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
               EKTP_RETURN_IF_ERROR(only_fields(body, {"to", "count"}));
               EKTP_ASSIGN_OR_RETURN(auto to, required_string(body, "to"));
               EKTP_ASSIGN_OR_RETURN(auto count, required_int(body, "count"));
               EKTP_ASSIGN_OR_RETURN(auto ranges, card::transfer_blanko(s.db, caller, to, count));
               boost::json::array moved;
               for (const auto& r : ranges) moved.push_back({{"first", r.first}, {"last", r.last}});
               return json_response(object{{"from", office}, {"to", to}, {"moved", moved}});
             }));

  router.add("POST", "/api/v1/card/offices/{office}/stock/spoil",
             stock_move(s, "spoil", 200, [&s](const card::StockChange& caller, const object& body) -> Status {
               EKTP_RETURN_IF_ERROR(only_fields(body, {"serial", "reason"}));
               EKTP_ASSIGN_OR_RETURN(auto serial, required_int(body, "serial"));
               EKTP_ASSIGN_OR_RETURN(auto reason, required_string(body, "reason"));
               return card::spoil_blanko(s.db, caller, serial, reason);
             }));

  router.add("POST", "/api/v1/card/offices/{office}/stock/return",
             stock_move(s, "return", 200, [&s](const card::StockChange& caller, const object& body) -> Status {
               EKTP_RETURN_IF_ERROR(only_fields(body, {"first", "last", "reason"}));
               EKTP_ASSIGN_OR_RETURN(auto first, required_int(body, "first"));
               EKTP_ASSIGN_OR_RETURN(auto last, required_int(body, "last"));
               EKTP_ASSIGN_OR_RETURN(auto reason, optional_string(body, "reason"));
               return card::return_blanko(s.db, caller, {first, last}, reason.value_or(""));
             }));

  // The queue names residents (NIKs): each listed one is audited as read.
  router.add("GET", "/api/v1/card/offices/{office}/queue", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    const auto& office = request.path_params.at("office");
    EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "read queue"));
    std::int64_t limit = 100;
    if (auto l = request.query.find("limit"); l != request.query.end()) {
      if (l->second.empty() || l->second.size() > 4 || l->second.find_first_not_of("0123456789") != std::string::npos ||
          std::stoll(l->second) < 1 || std::stoll(l->second) > kQueueListMax) {
        return invalid_argument(fmt::format("limit: 1 to {}", kQueueListMax));
      }
      limit = std::stoll(l->second);
    }
    EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(s.db, caller.at_ms));
    // The waiting requests in print order, each with its ready date (one read of the queue).
    EKTP_ASSIGN_OR_RETURN(auto waiting, store::with_read_transaction<std::vector<card::RequestReadyDate>>(
                                            s.db, [&](store::Connection& c) {
                                              return card::office_ready_dates(c, office, caller.at_ms,
                                                                              static_cast<std::size_t>(limit));
                                            }));
    boost::json::array list;
    std::vector<access::AuditEntry> reads;
    for (const auto& w : waiting) {
      const auto& r = w.request;
      auto item = request_json(r);
      item["ready"] = ready_json(w.answer);
      list.push_back(std::move(item));
      reads.push_back({caller.at_ms, caller.actor, "read_print_queue", r.nik, "office " + office});
    }
    return audited_response(s, std::move(reads), json_response(object{{"office", office}, {"waiting", list}}));
  }));

  router.add("POST", "/api/v1/card/offices/{office}/print-next",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "print"));
               EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(s.db, caller.at_ms));
               if (s.print_with_chip) return print_next_with_chip(s, caller, office);
               auto printed = card::print_next(s.db, caller);
               if (!printed && printed.error().reason == card::stock_reason::kNoBlanko) return no_blanko_answer(s, office);
               if (!printed) return std::unexpected(printed.error());
               return json_response(request_json(*printed));
             }));

  // A kecamatan starts printing its residents' cards (a Dinas always does).
  router.add("POST", "/api/v1/card/offices/{office}/printing",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "register printing office"));
               EKTP_RETURN_IF_ERROR(card::register_printing_office(s.db, caller));
               EKTP_ASSIGN_OR_RETURN(auto stock, stock_json(s, office));
               return json_response(stock, 201);
             }));

  router.add("GET", "/api/v1/card/offices/{office}/deliveries",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "read announced deliveries"));
               EKTP_ASSIGN_OR_RETURN(auto list, store::with_read_transaction<std::vector<card::AnnouncedDelivery>>(
                                                    s.db, [&](store::Connection& c) {
                                                      return card::announced_deliveries(c, caller.office, false, 100);
                                                    }));
               boost::json::array out;
               for (const auto& a : list) out.push_back(announcement_json(a));
               return json_response(object{{"office", office}, {"deliveries", out}});
             }));

  router.add("POST", "/api/v1/card/offices/{office}/deliveries",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "announce delivery"));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
               EKTP_RETURN_IF_ERROR(only_fields(body, {"expected_date", "count", "note"}));
               EKTP_ASSIGN_OR_RETURN(auto date_text, required_string(body, "expected_date"));
               EKTP_ASSIGN_OR_RETURN(auto date, parse_civil_date(date_text));
               EKTP_ASSIGN_OR_RETURN(auto count, required_int(body, "count"));
               EKTP_ASSIGN_OR_RETURN(auto note, optional_string(body, "note"));
               const auto day = std::chrono::sys_days(date).time_since_epoch().count();
               EKTP_ASSIGN_OR_RETURN(auto made, card::announce_delivery(s.db, caller, day, count, note.value_or("")));
               return json_response(announcement_json(made), 201);
             }));

  router.add("POST", "/api/v1/card/offices/{office}/deliveries/{id}/cancel",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "cancel announced delivery"));
               EKTP_ASSIGN_OR_RETURN(auto id, request_id_of(request.path_params.at("id")));
               EKTP_RETURN_IF_ERROR(card::cancel_announced_delivery(s.db, id, office, caller.actor, caller.at_ms));
               return json_response(object{{"id", id}, {"status", "cancelled"}});
             }));

  router.add("POST", "/api/v1/card/requests/{id}/spoil",
             request_action(s, "spoil print", "reason", [&s](std::int64_t id, const std::string& reason,
                                                             const std::string& actor) {
               return card::spoil_print(s.db, id, reason, actor, now_ms(s));
             }));
  router.add("POST", "/api/v1/card/requests/{id}/urgent",
             request_action(s, "mark urgent", "urgent_reason", [&s](std::int64_t id, const std::string& reason,
                                                                    const std::string& actor) {
               return card::mark_urgent(s.db, id, reason, actor, now_ms(s));
             }));

  router.add("POST", "/api/v1/card/offices/{office}/allocation-requests",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "allocation request"));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
               EKTP_RETURN_IF_ERROR(only_fields(body, {"count", "note"}));
               EKTP_ASSIGN_OR_RETURN(auto count, required_int(body, "count"));
               EKTP_ASSIGN_OR_RETURN(auto note, optional_string(body, "note"));
               EKTP_ASSIGN_OR_RETURN(auto made, card::request_allocation(s.db, caller, count, note.value_or("")));
               return json_response(allocation_json(made), 201);
             }));

  router.add("GET", "/api/v1/card/offices/{office}/allocation-requests",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               const auto& office = request.path_params.at("office");
               EKTP_ASSIGN_OR_RETURN(auto caller, stock_caller(s, request, office, "read allocation requests"));
               EKTP_ASSIGN_OR_RETURN(auto list, store::with_read_transaction<std::vector<card::AllocationRequest>>(
                                                    s.db, [&](store::Connection& c) {
                                                      return card::allocation_requests_of(c, office, 100);
                                                    }));
               boost::json::array out;
               for (const auto& a : list) out.push_back(allocation_json(a));
               return json_response(object{{"office", office}, {"requests", out}});
             }));

  // Closed by the office it was addressed to; a province's allocation by an admin only.
  router.add("POST", "/api/v1/card/allocation-requests/{id}/close",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
               EKTP_ASSIGN_OR_RETURN(auto id, request_id_of(request.path_params.at("id")));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
               EKTP_RETURN_IF_ERROR(only_fields(body, {"fulfilled"}));
               const auto* fulfilled = body.if_contains("fulfilled");
               if (fulfilled == nullptr || !fulfilled->is_bool()) return invalid_argument("fulfilled: true or false");
               EKTP_ASSIGN_OR_RETURN(auto asked, store::with_read_transaction<card::AllocationRequest>(
                                                     s.db, [&](store::Connection& c) {
                                                       return card::load_allocation_request(c, id);
                                                     }));
               if (asked.addressed_to.size() == 2) {
                 if (session.role != Role::kAdmin) {
                   EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "card.refused", asked.addressed_to,
                                                        "close allocation request"}));
                   return make_error(ErrorCode::kPermissionDenied, "a province's allocation is decided by an admin");
                 }
               } else {
                 EKTP_RETURN_IF_ERROR(check_office_scope(s, session, asked.addressed_to, "close allocation request"));
               }
               EKTP_ASSIGN_OR_RETURN(auto closed, card::close_allocation_request(s.db, asked.id, fulfilled->as_bool(),
                                                                                session.username, now_ms(s)));
               return json_response(allocation_json(closed));
             }));

  // The face of a request's card (as printed, or as it would be): personal data, audited as read.
  for (const char* format : {"png", "pdf"}) {
    const bool is_png = std::string_view(format) == "png";
    router.add("GET", fmt::format("/api/v1/card/requests/{{id}}/face.{}", format),
               guarded([&s, is_png](const HttpRequest& request) -> Result<HttpResponse> {
                 EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
                 EKTP_ASSIGN_OR_RETURN(auto print_request, load_request(s, request.path_params.at("id")));
                 EKTP_RETURN_IF_ERROR(check_office_scope(s, session, print_request.office, "card face"));
                 const auto issued_at = print_request.printed_at_ms > 0
                                            ? std::chrono::system_clock::time_point(
                                                  std::chrono::milliseconds(print_request.printed_at_ms))
                                            : s.clock();
                 EKTP_ASSIGN_OR_RETURN(auto face, store::with_read_transaction<card::CardFace>(
                                                      s.db, [&](store::Connection& c) {
                                                        return card::card_face_for(c, s.regions, print_request.nik,
                                                                                   jakarta_date_of(issued_at));
                                                      }));
                 HttpResponse response;
                 if (is_png) {
                   EKTP_ASSIGN_OR_RETURN(auto png, card::render_card_face_png(face));
                   response.content_type = "image/png";
                   response.body.assign(png.begin(), png.end());
                 } else {
                   EKTP_ASSIGN_OR_RETURN(auto pdf, card::render_card_face_pdf(face));
                   response.content_type = "application/pdf";
                   response.body = std::move(pdf);
                 }
                 std::vector<access::AuditEntry> read{{now_ms(s), session.username, "read_card_face", print_request.nik,
                                                       fmt::format("request {}", print_request.id)}};
                 return audited_response(s, std::move(read), std::move(response));
               }));
  }

  router.add("POST", "/api/v1/card/replacements", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_cards));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kCardBodyBytesMax));
    EKTP_RETURN_IF_ERROR(only_fields(body, {"nik", "reason", "detail", "urgent_reason"}));
    EKTP_ASSIGN_OR_RETURN(auto nik, required_string(body, "nik"));
    EKTP_ASSIGN_OR_RETURN(auto reason_id, required_string(body, "reason"));
    EKTP_ASSIGN_OR_RETURN(auto reason, card::parse_print_reason(reason_id));
    EKTP_ASSIGN_OR_RETURN(auto detail, required_string(body, "detail"));
    EKTP_ASSIGN_OR_RETURN(auto urgent, optional_string(body, "urgent_reason"));
    EKTP_RETURN_IF_ERROR(check_nik_text(nik));
    // The resident must live in the caller's region (as for every read of residents).
    EKTP_ASSIGN_OR_RETURN(auto office, store::with_read_transaction<std::string>(
                                           s.db, [&](store::Connection& c) -> Result<std::string> {
                                             EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, nik));
                                             return card::printing_office_of(c, person.address.village_code);
                                           }));
    EKTP_RETURN_IF_ERROR(check_office_scope(s, session, office, "replacement for " + nik));
    EKTP_ASSIGN_OR_RETURN(auto created, card::request_replacement(s.db, {nik, reason, detail, urgent.value_or("")},
                                                                  session.username, now_ms(s)));
    return json_response(request_json(created), 201);
  }));
}

}  // namespace ektp::api
