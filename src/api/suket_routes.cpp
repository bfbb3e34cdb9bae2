#include "api/suket_routes.h"

#include <boost/json.hpp>

#include "access/office_scope.h"
#include "api/card_route_support.h"
#include "api/person_reads.h"
#include "api/route_support.h"
#include "card/byte_text.h"
#include "card/print_queue.h"
#include "card/suket_document.h"
#include "card/suket_issue.h"
#include "card/suket_keys.h"
#include "registry/person_store.h"

namespace ektp::api {

namespace {

using boost::json::object;

std::int64_t now_s(ApiServices& s) { return now_ms(s) / 1000; }

Result<card::SuketKeys*> suket_keys(ApiServices& s) {
  if (s.suket_keys == nullptr) return make_error(ErrorCode::kUnavailable, "this server issues no SUKETs");
  return s.suket_keys;
}

object suket_json(const card::SuketRecord& r) {
  object out{{"id", r.id},
             {"nik", r.nik},
             {"office", r.office},
             {"kid", r.kid},
             {"issued_by", r.issued_by},
             {"issued_at_s", r.issued_at_s},
             {"expires_at_s", r.expires_at_s},
             {"qr_text", r.qr_text},
             {"superseded_at_ms", r.superseded_at_ms}};
  out["ready"] = r.ready ? boost::json::value(ready_json(*r.ready)) : boost::json::value(nullptr);
  return out;
}

std::string verify_url(ApiServices& s) {
  return (s.public_url.empty() ? std::string("https://ektp.dukcapil.go.id") : s.public_url) + "/verifikasi";
}

HttpResponse public_json(std::string body) {
  HttpResponse response;
  response.content_type = "application/json";
  response.body = std::move(body);
  // Verifiers cache it (and keep it offline); a minute is enough to pass on a new key or supersession.
  response.headers.emplace_back("Cache-Control", "public, max-age=60");
  return response;
}

}  // namespace

void add_suket_routes(Router& router, ApiServices& s) {
  // Issues a SUKET for a resident whose card is pending (the card desk).
  router.add("POST", "/api/v1/card/persons/{nik}/suket", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_serve_card_desk));
    const auto& nik = request.path_params.at("nik");
    EKTP_RETURN_IF_ERROR(check_nik_text(nik));
    EKTP_RETURN_IF_ERROR(check_resident_scope(s, session, nik, "issue SUKET"));
    EKTP_ASSIGN_OR_RETURN(auto keys, suket_keys(s));
    // A resident just at siap cetak is queued first, so the SUKET carries their ready date.
    EKTP_RETURN_IF_ERROR(card::queue_ready_to_print(s.db, now_ms(s)));
    EKTP_ASSIGN_OR_RETURN(auto issued, card::issue_suket(s.db, *keys, s.regions, nik, session.username, now_ms(s)));
    return json_response(suket_json(issued.record), 201);
  }));

  router.add("GET", "/api/v1/card/persons/{nik}/sukets", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_serve_card_desk));
    const auto& nik = request.path_params.at("nik");
    EKTP_RETURN_IF_ERROR(check_nik_text(nik));
    EKTP_RETURN_IF_ERROR(check_resident_scope(s, session, nik, "read SUKETs"));
    EKTP_ASSIGN_OR_RETURN(auto list, store::with_read_transaction<std::vector<card::SuketRecord>>(
                                         s.db, [&](store::Connection& c) { return card::sukets_of(c, nik); }));
    boost::json::array out;
    for (const auto& r : list) out.push_back(suket_json(r));
    std::vector<access::AuditEntry> read{{now_ms(s), session.username, "read_sukets", nik, ""}};
    return audited_response(s, std::move(read), json_response(object{{"nik", nik}, {"sukets", out}}));
  }));

  // The printable SUKET (PDF) and the same page as a PNG: personal data, audited as read.
  for (const char* format : {"pdf", "png"}) {
    const bool is_pdf = std::string_view(format) == "pdf";
    router.add("GET", fmt::format("/api/v1/card/sukets/{{id}}/document.{}", format),
               guarded([&s, is_pdf](const HttpRequest& request) -> Result<HttpResponse> {
                 EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_serve_card_desk));
                 const auto& id = request.path_params.at("id");
                 EKTP_ASSIGN_OR_RETURN(auto issued, store::with_read_transaction<card::IssuedSuket>(
                                                        s.db, [&](store::Connection& c) {
                                                          return card::load_issued_suket(c, s.regions, id);
                                                        }));
                 EKTP_RETURN_IF_ERROR(check_resident_scope(s, session, issued.record.nik, "print SUKET"));
                 HttpResponse response;
                 if (is_pdf) {
                   EKTP_ASSIGN_OR_RETURN(response.body, card::render_suket_pdf(issued, verify_url(s)));
                   response.content_type = "application/pdf";
                 } else {
                   EKTP_ASSIGN_OR_RETURN(auto png, card::render_suket_png(issued, verify_url(s)));
                   response.body.assign(png.begin(), png.end());
                   response.content_type = "image/png";
                 }
                 std::vector<access::AuditEntry> read{
                     {now_ms(s), session.username, "read_suket", issued.record.nik, "suket " + issued.record.id}};
                 return audited_response(s, std::move(read), std::move(response));
               }));
  }

  // Public, no token, no personal data: what a verifier needs to check SUKETs offline.
  router.add("GET", "/api/v1/public/trust-root", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto keys, suket_keys(s));
    const auto& root = keys->root().public_key();
    return public_json(boost::json::serialize(
        object{{"kid", card::key_id_hex(root)}, {"alg", "EdDSA"}, {"public_key", card::base64url_of(root)}}));
  }));
  router.add("GET", "/api/v1/public/trust-list", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto keys, suket_keys(s));
    EKTP_ASSIGN_OR_RETURN(auto list, store::with_read_transaction<card::TrustList>(
                                         s.db, [&](store::Connection& c) { return card::trust_list_of(c, now_s(s)); }));
    EKTP_ASSIGN_OR_RETURN(auto signed_list, card::sign_trust_list(list, keys->root()));
    return public_json(std::move(signed_list));
  }));
  router.add("GET", "/api/v1/public/superseded", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto keys, suket_keys(s));
    EKTP_ASSIGN_OR_RETURN(auto list, store::with_read_transaction<card::SupersededList>(s.db, [&](store::Connection& c) {
                            return card::superseded_list_of(c, now_s(s));
                          }));
    EKTP_ASSIGN_OR_RETURN(auto signed_list, card::sign_superseded_list(list, keys->root()));
    return public_json(std::move(signed_list));
  }));
}

}  // namespace ektp::api
