// Station ↔ central through the loopback link: provisioning, signed requests, leases, and
// enrollments delivered exactly once through dropped requests, lost answers and duplicates.
#include <map>

#include "sync_fixture.h"

#include "registry/serial_allocator.h"
#include "access/sha256.h"
#include "sync/operator_enrolment.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

class StationSyncTest : public test::StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    residents = test::residents_of(central.db(), district, 6);
    ASSERT_GE(residents.size(), 4u);
  }
  std::vector<std::string> residents;
};

TEST_P(StationSyncTest, ProvisioningGivesKeysOperatorsAndLeases) {
  EXPECT_EQ(station.identity.district_code, district);
  EXPECT_EQ(station.identity.central_public_key_hex, central.ingest->public_key_hex());
  access::AuthService station_auth(station.db());
  auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs));
  // Central handed over no password: the operator cannot sign in until they activate here.
  EXPECT_ERROR(station_auth.login("operator", "kunci-petugas-2026", now), ErrorCode::kUnauthenticated, "wrong");
  auto code = issue_operator_code(central.db(), "st-pml-1", "operator", "admin", kCentralNowMs);
  ASSERT_OK(code);
  EXPECT_ERROR(issue_operator_code(central.db(), "st-pml-1", "admin", "admin", kCentralNowMs),
               ErrorCode::kFailedPrecondition, "not an operator");
  auto station_record = store::with_read_transaction<StationRecord>(
      central.db(), [&](store::Connection& c) { return load_station(c, "st-pml-1"); });
  ASSERT_OK(station_record);
  access::CodeRedeemer redeem = [&](std::string_view user, std::string_view c) -> Result<Role> {
    auto credential = redeem_operator_code(central.db(), *station_record, user, c, kCentralNowMs);
    if (!credential) return std::unexpected(credential.error());
    return parse_role(credential->role);
  };
  EXPECT_ERROR(station_auth.activate_account({"operator", "AAAA-BBBB-CCCC", "kata-sandi-stasiun-1", ""}, redeem, now),
               ErrorCode::kUnauthenticated, "activation code");
  EXPECT_ERROR(station_auth.activate_account({"operator", code->code, "pendek", ""}, redeem, now),
               ErrorCode::kInvalidArgument, "password");
  ASSERT_OK(station_auth.activate_account({"operator", code->code, "kata-sandi-stasiun-1", ""}, redeem, now));
  EXPECT_ERROR(station_auth.activate_account({"operator", code->code, "kata-sandi-stasiun-2", ""}, redeem, now),
               ErrorCode::kUnauthenticated, "activation code");  // a code works once
  EXPECT_OK(station_auth.login("operator", "kata-sandi-stasiun-1", now));   // offline login works
  EXPECT_ERROR(station_auth.login("operator", "kunci-petugas-2026", now), ErrorCode::kUnauthenticated, "wrong");
  // A deactivation at central reaches the station with the roster.
  access::AuthService central_auth(central.db());
  ASSERT_OK(central_auth.set_active("operator", false));
  auto roster = station_operator_roster(central.db(), "st-pml-1");
  ASSERT_OK(roster);
  auto changed = apply_operator_roster(station.db(), *roster, kCentralNowMs);
  ASSERT_OK(changed);
  EXPECT_EQ(*changed, 1u);
  EXPECT_ERROR(station_auth.login("operator", "kata-sandi-stasiun-1", now), ErrorCode::kUnauthenticated, "wrong");
  ASSERT_OK(central_auth.set_active("operator", true));
  EXPECT_ERROR(station_auth.login("admin", "kunci-pusat-2026", now), ErrorCode::kUnauthenticated, "wrong");
  auto stations = list_stations(central.db());
  ASSERT_OK(stations);
  ASSERT_EQ(stations->size(), 1u);
  EXPECT_EQ((*stations)[0].status, "active");
  EXPECT_EQ((*stations)[0].operators, std::vector<std::string>{"operator"});
  // The token works once.
  EXPECT_ERROR(provision_station(central.db(), "st-pml-1", "00", generate_key_pair().public_key_hex, kCentralNowMs),
               ErrorCode::kUnauthenticated, "token");
  EXPECT_ERROR(register_station(central.db(), RegionDirectory::builtin(), {"st-2", "332799", "x", {"operator"}},
                                "admin", kCentralNowMs),
               ErrorCode::kInvalidArgument, "332799");
  EXPECT_ERROR(register_station(central.db(), RegionDirectory::builtin(), {"ST 2", district, "x", {"operator"}},
                                "admin", kCentralNowMs),
               ErrorCode::kInvalidArgument, "station_id");
  EXPECT_ERROR(register_station(central.db(), RegionDirectory::builtin(), {"st-2", district, "x", {"admin"}}, "admin",
                                kCentralNowMs),
               ErrorCode::kInvalidArgument, "'admin' is not an active operator");
}

TEST_P(StationSyncTest, ListingStationsGivesEachItsOwnOperators) {
  access::AuthService auth(central.db());
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs));
  ASSERT_OK(auth.create_user("operator-b", "kunci-petugas-b-2026", Role::kOperator, now));
  ASSERT_OK(register_station(central.db(), RegionDirectory::builtin(), {"st-0", district, "Meja 0", {"operator-b"}},
                             "admin", kCentralNowMs));
  ASSERT_OK(register_station(central.db(), RegionDirectory::builtin(),
                             {"st-zz", district, "Meja Z", {"operator-b", "operator"}}, "admin", kCentralNowMs));
  auto stations = list_stations(central.db());
  ASSERT_OK(stations);
  ASSERT_EQ(stations->size(), 3u);
  std::map<std::string, std::vector<std::string>> operators;
  for (const auto& s : *stations) operators[s.station_id] = s.operators;
  EXPECT_EQ(operators["st-0"], std::vector<std::string>{"operator-b"});
  EXPECT_EQ(operators["st-pml-1"], std::vector<std::string>{"operator"});
  EXPECT_EQ(operators["st-zz"], (std::vector<std::string>{"operator", "operator-b"}));
}

TEST_P(StationSyncTest, ForgedReplayedAndRevokedRequestsAreRefused) {
  auto counter = next_request_counter(station.db());
  ASSERT_OK(counter);
  std::string text = request_signing_text("POST", "/api/v1/sync/upload", "st-pml-1", *counter, "aa");
  auto signature = sign_hex(station.identity.secret_key_hex, text);
  EXPECT_OK(authenticate_station_request(central.db(), "st-pml-1", *counter, *signature, text, kCentralNowMs));
  EXPECT_ERROR(authenticate_station_request(central.db(), "st-pml-1", *counter, *signature, text, kCentralNowMs),
               ErrorCode::kUnauthenticated, "replayed");
  auto forger = generate_key_pair();
  std::string text2 = request_signing_text("POST", "/api/v1/sync/upload", "st-pml-1", *counter + 1, "aa");
  EXPECT_ERROR(authenticate_station_request(central.db(), "st-pml-1", *counter + 1,
                                            *sign_hex(forger.secret_key_hex, text2), text2, kCentralNowMs),
               ErrorCode::kUnauthenticated, "signature");
  EXPECT_ERROR(authenticate_station_request(central.db(), "st-nobody", 1, *signature, text, kCentralNowMs),
               ErrorCode::kUnauthenticated, "not known");
  ASSERT_OK(revoke_station(central.db(), "st-pml-1", "admin", kCentralNowMs));
  EXPECT_ERROR(authenticate_station_request(central.db(), "st-pml-1", *counter + 1,
                                            *sign_hex(station.identity.secret_key_hex, text2), text2, kCentralNowMs),
               ErrorCode::kPermissionDenied, "revoked");
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'station.revoke'"), 1);
}

TEST_P(StationSyncTest, LeasesKeepStationsAndCentralApart) {
  auto conn = station.db().connect();
  ASSERT_OK(conn);
  std::string prefix = district + "010190";
  auto first = next_leased_serial(**conn, "nik", prefix, kCentralNowMs);
  ASSERT_OK(first);
  EXPECT_EQ(*first, 9999 - nik_lease_size + 1);
  EXPECT_EQ(*next_leased_serial(**conn, "nik", prefix, kCentralNowMs), *first + 1);
  EXPECT_EQ(*next_leased_serial(**conn, "nik", district + "020190", kCentralNowMs), *first);
  // A second station gets the block below; central's own allocator stays below both.
  auto other = test::make_station(central, "st-pml-2", district);
  auto other_conn = other.db().connect();
  EXPECT_EQ(*next_leased_serial(**other_conn, "nik", prefix, kCentralNowMs), *first - nik_lease_size);
  auto central_conn = central.db().connect();
  EXPECT_OK(check_leased_serial(**central_conn, "st-pml-1", "nik", district, *first));
  EXPECT_ERROR(check_leased_serial(**central_conn, "st-pml-2", "nik", district, *first), ErrorCode::kPermissionDenied,
               "not leased");
  ASSERT_OK((*central_conn)->execute("INSERT INTO serials (prefix, last_serial) VALUES ($1, $2)",
                                     {prefix, std::int64_t{*first - nik_lease_size - 1}}));
  EXPECT_ERROR(registry::next_serial(**central_conn, prefix), ErrorCode::kResourceExhausted, "leases");
  // Expired: a clear error, nothing allocated. The station's clock counts the validity.
  EXPECT_ERROR(next_leased_serial(**conn, "nik", prefix, kCentralNowMs + lease_validity_ms + 1),
               ErrorCode::kFailedPrecondition, "expired on");
  EXPECT_ERROR(next_leased_serial(**conn, "nik", "999999010190", kCentralNowMs), ErrorCode::kFailedPrecondition,
               "no nik serial lease");
}

TEST_P(StationSyncTest, EnrollmentsArriveExactlyOnceThroughFaults) {
  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto e = test::station_enrollment(station, residents[i], test::fingerprint_sets()[i]);
    ids.push_back(e.enrollment_id);
    ASSERT_OK(save_enrollment_with_outbox(station.db(), e, kCentralNowMs));
  }
  auto summary = outbox_summary(station.db());
  ASSERT_OK(summary);
  EXPECT_EQ(summary->pending, 4);

  link.drop_request = true;
  EXPECT_ERROR(uploader.upload_once(2), ErrorCode::kUnavailable, "link down");
  EXPECT_EQ(outbox_summary(station.db())->last_error, "link down");
  link.drop_request = false;

  link.drop_response = true;  // central applies 1–2, the station never hears
  EXPECT_FALSE(uploader.upload_once(2).has_value());
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), 2);
  EXPECT_EQ(outbox_summary(station.db())->pending, 4);
  link.drop_response = false;

  link.deliver_twice = true;  // resent: central answers with the first receipts
  auto round = uploader.upload_once(3);
  ASSERT_OK(round);
  EXPECT_EQ(round->receipts, 3u);
  link.deliver_twice = false;
  ASSERT_OK(uploader.upload_once());
  EXPECT_EQ(outbox_summary(station.db())->pending, 0);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), 4);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items"), 4);
  for (const auto& id : ids) {
    EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM status_timeline WHERE enrollment_id = $1 AND "
                                             "status = 'terkirim'",
                               {id}),
              1);
    EXPECT_EQ(test::count_rows(station.db(), "SELECT COUNT(*) FROM status_timeline WHERE enrollment_id = $1 AND "
                                             "status = 'terkirim'",
                               {id}),
              1);
  }
  // Both sides keep the signed receipts.
  auto rows = list_outbox(station.db(), false, 10);
  ASSERT_OK(rows);
  for (const auto& row : *rows) {
    auto receipt = receipt_from_json(row.receipt);
    ASSERT_OK(receipt);
    EXPECT_TRUE(verify_receipt(*receipt, station.identity.central_public_key_hex));
    EXPECT_EQ(row.outcome, "applied");
  }
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM persons WHERE nik = $1 AND enrolled = 1",
                             {residents[0]}),
            1);
}

TEST_P(StationSyncTest, BadItemsAreRejectedWithAReceiptAndNothingStored) {
  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  auto unknown = test::station_enrollment(station, "3327019999990001", "fvc2002-db1b");
  ASSERT_OK(save_enrollment_with_outbox(station.db(), unknown, kCentralNowMs));
  auto good = test::station_enrollment(station, residents[0], "fvc2002-db2b");
  ASSERT_OK(save_enrollment_with_outbox(station.db(), good, kCentralNowMs));
  ASSERT_OK(uploader.upload_once());
  auto rows = list_outbox(station.db(), false, 10);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].outcome, "rejected");
  EXPECT_THAT((*rows)[1].receipt, ::testing::HasSubstr("not in the registry"));
  EXPECT_EQ((*rows)[0].outcome, "applied");
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), 1);
  EXPECT_EQ(outbox_summary(station.db())->rejected, 1);
}

TEST_P(StationSyncTest, CentralNamesTheFirstFingerItCannotExtractAgain) {
  // Central extracts the fingers in parallel; the error must still name the lowest bad position,
  // and nothing of the item may be stored.
  auto stations = list_stations(central.db());
  ASSERT_OK(stations);
  const StationRecord& record = stations->front();
  const auto handler = make_enrollment_handler(nullptr);
  auto e = test::station_enrollment(station, residents[0], "fvc2002-db1b");
  ASSERT_EQ(e.fingers.size(), 10u);
  const std::vector<std::uint8_t> garbage{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  for (const auto& [bad, expected] : std::vector<std::pair<std::vector<int>, std::string>>{
           {{7}, "fingers: position 7"}, {{9, 3}, "fingers: position 3"}}) {
    auto copy = e;
    for (int position : bad) {
      ASSERT_EQ(copy.fingers[static_cast<std::size_t>(position - 1)].position, position);
      auto& finger = copy.fingers[static_cast<std::size_t>(position - 1)];
      finger.image = garbage;  // intact in transit (its hash matches), but not an image
      finger.image_sha256 = access::sha256_hex(std::string_view(reinterpret_cast<const char*>(garbage.data()), garbage.size()));
    }
    const OutboxItem item{1, enrollment_item_key(copy), std::string(kEnrollmentKind), copy.nik,
                          enrollment_to_payload(copy), "", kCentralNowMs};
    auto applied = store::with_write_transaction<ItemResult>(
        central.db(), [&](store::Connection& c) { return handler(c, record, item, kCentralNowMs); });
    EXPECT_ERROR(applied, ErrorCode::kInvalidArgument, expected);
  }
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), 0);
}

TEST_P(StationSyncTest, OfflineBiodataEditAgainstACentralChangeBecomesAConflict) {
  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  auto e = test::station_enrollment(station, residents[1], "fvc2002-db3b");
  e.biodata_changes_json = R"({"occupation":"Petani"})";
  e.base_version = 1;
  auto same = test::station_enrollment(station, residents[2], "fvc2004-db1b");
  same.biodata_changes_json = R"({"occupation":"Nelayan"})";
  same.base_version = 1;
  ASSERT_OK(save_enrollment_with_outbox(station.db(), e, kCentralNowMs));
  ASSERT_OK(save_enrollment_with_outbox(station.db(), same, kCentralNowMs));
  {  // Meanwhile central changed the first person.
    auto conn = central.db().connect();
    ASSERT_OK((*conn)->execute("UPDATE persons SET occupation = 'Guru', version = version + 1 WHERE nik = $1",
                               {residents[1]}));
  }
  ASSERT_OK(uploader.upload_once());
  auto rows = list_outbox(station.db(), false, 10);
  EXPECT_EQ((*rows)[1].outcome, "conflict");
  EXPECT_EQ((*rows)[0].outcome, "applied");
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_conflicts WHERE nik = $1 AND status = 'open'",
                             {residents[1]}),
            1);
  // Nothing overwritten: central keeps Guru; the other becomes a correction for a supervisor.
  auto conn = central.db().connect();
  EXPECT_EQ(registry::load_person(**conn, residents[1])->occupation, "Guru");
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM corrections WHERE nik = $1 AND status = 'pending'",
                             {residents[2]}),
            1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(StationSyncTest);

}  // namespace
}  // namespace ektp::sync
