// A station's pull of its district's working copy is a read of every person it receives: each
// one gets an audit record, committed before the page is answered.
#include <gtest/gtest.h>

#include "api/api_services.h"
#include "api/http.h"
#include "access/auth_service.h"
#include "registry/civil_registry.h"
#include "sync/signing.h"
#include "sync/sync_fixture.h"

namespace ektp::api {
namespace {

class SyncPullAuditTest : public test::StationCentralTest {
 protected:
  // A GET as the station's client signs it.
  HttpRequest signed_get(const std::string& target) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    auto counter = sync::next_request_counter(station.db());
    EXPECT_TRUE(counter);
    const std::string text = sync::request_signing_text("GET", target, station.identity.station_id, *counter,
                                                        access::sha256_hex(""));
    auto signature = sync::sign_hex(station.identity.secret_key_hex, text);
    EXPECT_TRUE(signature);
    request.headers["x-ektp-station"] = station.identity.station_id;
    request.headers["x-ektp-counter"] = std::to_string(*counter);
    request.headers["x-ektp-signature"] = *signature;
    EXPECT_TRUE(parse_request_target(request));
    return request;
  }
};

TEST_P(SyncPullAuditTest, EveryPersonPulledIsAuditedAsReadByTheStation) {
  access::AuthService auth(central.db());
  registry::CivilRegistry civil(central.db(), RegionDirectory::builtin());
  access::AuditWriter audit(central.db());
  ApiServices services{central.db(), RegionDirectory::builtin(), civil, auth, audit, central.ingest.get(), nullptr,
                       nullptr, {}};
  services.clock = [] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(test::kCentralNowMs)); };
  Router router;
  add_sync_routes(router, services);

  auto request = signed_get("/api/v1/sync/changes?table=persons&limit=1000");
  bool method_allowed = false;
  const Handler* handler = router.match(request, method_allowed);
  ASSERT_NE(handler, nullptr);
  HttpResponse response = (*handler)(request);
  ASSERT_EQ(response.status, 200) << response.body;
  const std::int64_t district_persons = central_rows(
      "SELECT COUNT(*) FROM persons WHERE district_code = $1", {district});
  ASSERT_GT(district_persons, 0);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.pull_person' AND actor = $1",
                         {"station:" + station.identity.station_id}),
            district_persons);
  // One record per NIK received, and only persons of the station's district.
  EXPECT_EQ(central_rows("SELECT COUNT(DISTINCT subject) FROM audit_log WHERE action = 'sync.pull_person'"),
            district_persons);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log a JOIN persons p ON p.nik = a.subject "
                         "WHERE a.action = 'sync.pull_person' AND p.district_code <> $1",
                         {district}),
            0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(SyncPullAuditTest);

}  // namespace
}  // namespace ektp::api
