// Single faults at central's door, on both back ends: the same batch delivered twice at once (two
// threads ingesting the same items), copies of signed requests racing through authentication, a
// connection dropped mid-body (a truncated upload), batches that arrive reordered (3–4 before
// 1–2), central failing in the middle of a batch, and provisioning and lease grants that race.
#include <fmt/format.h>

#include <array>
#include <iostream>
#include <latch>
#include <optional>
#include <thread>

#include "sync/outbox.h"
#include "sync_fixture.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

class SyncFaultsTest : public test::StationCentralTest {
 protected:
  SyncFaultsTest() : StationCentralTest("st-faults") {}

  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    residents = test::residents_of(central.db(), district, 8);
    ASSERT_GE(residents.size(), 4u);
  }

  // Saves `n` compact enrollments at the station; returns their ids in seq order.
  std::vector<std::string> save_enrollments(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto index = static_cast<std::size_t>(i);
      auto e = test::compact_enrollment(station, random_uuid(), residents[index % residents.size()],
                                        test::fingerprint_sets()[index % 5]);
      EXPECT_OK(save_enrollment_with_outbox(station.db(), e, kCentralNowMs));
      ids.push_back(e.enrollment_id);
    }
    return ids;
  }

  StationRecord station_record() {
    auto conn = central.db().connect();
    EXPECT_TRUE(conn.has_value());
    auto record = load_station(**conn, station.identity.station_id);
    EXPECT_TRUE(record.has_value());
    return *record;
  }

  UploadRequest batch(const std::vector<OutboxItem>& items, std::size_t first, std::size_t count) {
    UploadRequest request{station.identity.station_id, {}};
    for (std::size_t i = first; i < first + count; ++i) request.items.push_back(items.at(i));
    return request;
  }

  std::int64_t central_count(const std::string& table) {
    return test::count_rows(central.db(), "SELECT COUNT(*) FROM " + table);
  }

  std::int64_t last_seq() {
    return test::count_rows(central.db(), "SELECT last_seq FROM stations WHERE station_id = $1",
                            {station.identity.station_id});
  }

  // Each enrollment once at central, with one 'terkirim'.
  void expect_each_once(const std::vector<std::string>& ids) {
    EXPECT_EQ(central_count("enrollments"), static_cast<std::int64_t>(ids.size()));
    EXPECT_EQ(central_count("sync_items"), static_cast<std::int64_t>(ids.size()));
    for (const auto& id : ids) {
      EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments WHERE enrollment_id = $1", {id}), 1);
      EXPECT_EQ(test::count_rows(central.db(),
                                 "SELECT COUNT(*) FROM status_timeline WHERE enrollment_id = $1 "
                                 "AND status = 'terkirim'",
                                 {id}),
                1);
    }
  }

  std::vector<std::string> residents;
};

TEST_P(SyncFaultsTest, SameBatchIngestedTwiceConcurrentlyAppliesEachItemOnce) {
  auto ids = save_enrollments(8);
  auto items = pending_outbox(station.db(), 100, 1 << 30);
  ASSERT_OK(items);
  ASSERT_EQ(items->size(), 8u);
  auto record = station_record();
  // Overlapping batches, each sent by two threads at the same moment: 1–2, 1–4, 3–6, 5–8.
  for (auto [first, count] : {std::pair<std::size_t, std::size_t>{0, 2}, {0, 4}, {2, 4}, {4, 4}}) {
    SCOPED_TRACE(fmt::format("batch {}–{}", first + 1, first + count));
    UploadRequest request = batch(*items, first, count);
    std::latch start(2);
    std::array<std::optional<Result<UploadResponse>>, 2> answers;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        answers[t] = central.ingest->ingest(record, request, kCentralNowMs);
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& answer : answers) {
      ASSERT_TRUE(answer.has_value());
      ASSERT_OK(*answer);
      ASSERT_EQ((*answer)->receipts.size(), count);
      EXPECT_EQ((*answer)->next_expected_seq, static_cast<std::int64_t>(first + count + 1));
    }
    // Both threads hold the same receipts: the one that came second got the stored ones.
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ((*answers[0])->receipts[i].signature, (*answers[1])->receipts[i].signature);
      EXPECT_EQ((*answers[0])->receipts[i].seq, static_cast<std::int64_t>(first + i + 1));
    }
    ASSERT_OK(record_receipts(station.db(), (*answers[0])->receipts, station.identity.central_public_key_hex,
                              kCentralNowMs));
  }
  expect_each_once(ids);
  EXPECT_EQ(last_seq(), 8);
  EXPECT_EQ(outbox_summary(station.db())->pending, 0);
}

// Two station requests authenticated by two threads at the same moment; what each got.
std::array<Result<StationRecord>, 2> race_authentication(store::Database& central_db,
                                                         const std::array<test::SignedUpload, 2>& requests) {
  std::latch start(2);
  std::array<Result<StationRecord>, 2> answers{make_error(ErrorCode::kInternal, "not run"),
                                               make_error(ErrorCode::kInternal, "not run")};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      const auto& r = requests[t];
      std::string text = request_signing_text("POST", test::kUploadTarget, r.station_id, r.counter,
                                              access::sha256_hex(r.body));
      start.arrive_and_wait();
      answers[t] = authenticate_station_request(central_db, r.station_id, r.counter, r.signature, text, kCentralNowMs);
    });
  }
  for (auto& thread : threads) thread.join();
  return answers;
}

TEST_P(SyncFaultsTest, RacingCopiesOfASignedRequestAuthenticateOnce) {
  // A network that duplicates a request may deliver both copies at once: exactly one gets in.
  // Two successive requests racing: the newer always gets in, and the counter ends at it, never
  // lower (else the newer one could be replayed).
  const auto& sid = station.identity.station_id;
  int both_in = 0;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::array<test::SignedUpload, 3> signed_requests;
    for (auto& r : signed_requests) {
      auto made = test::sign_upload(station.db(), station.identity, fmt::format("body {}", round));
      ASSERT_OK(made);
      r = *made;
    }
    auto same = race_authentication(central.db(), {signed_requests[0], signed_requests[0]});
    int accepted = 0;
    for (const auto& answer : same) {
      if (answer) {
        ++accepted;
        continue;
      }
      EXPECT_EQ(answer.error().code, ErrorCode::kUnauthenticated) << answer.error().message;
      EXPECT_NE(answer.error().message.find("replayed"), std::string::npos) << answer.error().message;
    }
    EXPECT_EQ(accepted, 1) << "one signed request was accepted " << accepted << " times";

    std::array<test::SignedUpload, 2> successive{signed_requests[1], signed_requests[2]};
    if (round % 2 == 0) std::swap(successive[0], successive[1]);
    auto answers = race_authentication(central.db(), successive);
    for (std::size_t t = 0; t < 2; ++t) {
      if (successive[t].counter == signed_requests[2].counter) {
        EXPECT_TRUE(answers[t].has_value()) << "the newer request was refused: " << answers[t].error().message;
      } else if (!answers[t]) {
        EXPECT_EQ(answers[t].error().code, ErrorCode::kUnauthenticated) << answers[t].error().message;
      }
    }
    both_in += answers[0].has_value() && answers[1].has_value();
    EXPECT_EQ(test::count_rows(central.db(), "SELECT last_request_counter FROM stations WHERE station_id = $1", {sid}),
              signed_requests[2].counter);
    auto replay = race_authentication(central.db(), {signed_requests[2], signed_requests[1]});
    EXPECT_FALSE(replay[0].has_value() || replay[1].has_value()) << "a request was accepted again";
  }
  std::cout << fmt::format("racing requests: {} rounds; both successive requests accepted in {}\n", kRounds, both_in);
}

TEST_P(SyncFaultsTest, UploadCutOffMidBodyIsRefusedAndChangesNothing) {
  auto ids = save_enrollments(3);
  auto items = pending_outbox(station.db(), 100, 1 << 30);
  ASSERT_OK(items);
  std::string body = upload_request_to_json({station.identity.station_id, *items});
  // Every kind of place the connection can drop: evenly spread, and right at item boundaries.
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < 400; ++i) cuts.push_back(i * body.size() / 400);
  for (std::size_t at = body.find("},{"); at != std::string::npos; at = body.find("},{", at + 1)) {
    cuts.insert(cuts.end(), {at, at + 1, at + 2});
  }
  for (std::string_view marker : {"\"payload\":\"", "\"sha256\":\"", "\"items\":["}) {
    for (std::size_t at = body.find(marker); at != std::string::npos; at = body.find(marker, at + 1)) {
      cuts.insert(cuts.end(), {at + marker.size(), at + marker.size() + 1});
    }
  }
  cuts.push_back(body.size() - 1);
  for (auto cut : cuts) {
    auto parsed = upload_request_from_json(std::string_view(body).substr(0, cut));
    ASSERT_FALSE(parsed.has_value()) << "a body cut at byte " << cut << " of " << body.size() << " was accepted";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << parsed.error().message;
  }
  // Through central's route: the cut body no longer matches the station's signature; and even a
  // cut body that is signed (a sender that cut it itself) is refused by the parser.
  auto whole = test::sign_upload(station.db(), station.identity, body);
  ASSERT_OK(whole);
  auto cut = *whole;
  cut.body.resize(body.size() * 2 / 3);
  EXPECT_ERROR(test::central_upload_route(central.db(), *central.ingest, cut, kCentralNowMs),
               ErrorCode::kUnauthenticated, "signature");
  auto signed_cut = test::sign_upload(station.db(), station.identity, cut.body);
  ASSERT_OK(signed_cut);
  EXPECT_ERROR(test::central_upload_route(central.db(), *central.ingest, *signed_cut, kCentralNowMs),
               ErrorCode::kInvalidArgument, "upload");
  EXPECT_EQ(central_count("enrollments"), 0);
  EXPECT_EQ(central_count("sync_items"), 0);
  EXPECT_EQ(last_seq(), 0);
  // The whole body, sent again, goes in once.
  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  auto round = uploader.upload_once();
  ASSERT_OK(round);
  EXPECT_EQ(round->receipts, 3u);
  expect_each_once(ids);
}

TEST_P(SyncFaultsTest, ReorderedBatchesApplyInSeqOrderEachOnce) {
  auto ids = save_enrollments(4);
  auto items = pending_outbox(station.db(), 100, 1 << 30);
  ASSERT_OK(items);
  auto record = station_record();
  // 3–4 arrive first: nothing applied, central asks for 1.
  auto early = central.ingest->ingest(record, batch(*items, 2, 2), kCentralNowMs);
  ASSERT_OK(early);
  EXPECT_TRUE(early->receipts.empty());
  EXPECT_EQ(early->next_expected_seq, 1);
  EXPECT_EQ(central_count("enrollments"), 0);
  EXPECT_EQ(central_count("sync_items"), 0);
  // Then 1–2.
  auto first = central.ingest->ingest(record, batch(*items, 0, 2), kCentralNowMs);
  ASSERT_OK(first);
  ASSERT_EQ(first->receipts.size(), 2u);
  EXPECT_EQ(first->next_expected_seq, 3);
  EXPECT_EQ(central_count("enrollments"), 2);
  // 3–4 resent: applied now.
  auto resent = central.ingest->ingest(record, batch(*items, 2, 2), kCentralNowMs);
  ASSERT_OK(resent);
  ASSERT_EQ(resent->receipts.size(), 2u);
  EXPECT_EQ(resent->receipts[0].seq, 3);
  EXPECT_EQ(resent->next_expected_seq, 5);
  // Stale copies of both, late: the first receipts again, nothing applied twice.
  for (auto [first_index, previous] : {std::pair{std::size_t{2}, &*resent}, {std::size_t{0}, &*first}}) {
    auto stale = central.ingest->ingest(record, batch(*items, first_index, 2), kCentralNowMs);
    ASSERT_OK(stale);
    ASSERT_EQ(stale->receipts.size(), 2u);
    EXPECT_EQ(stale->next_expected_seq, 5);
    for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(stale->receipts[i].signature, previous->receipts[i].signature);
  }
  expect_each_once(ids);
  EXPECT_EQ(last_seq(), 4);
  std::vector<Receipt> receipts = first->receipts;
  receipts.insert(receipts.end(), resent->receipts.begin(), resent->receipts.end());
  ASSERT_OK(record_receipts(station.db(), receipts, station.identity.central_public_key_hex, kCentralNowMs));
  EXPECT_EQ(outbox_summary(station.db())->pending, 0);
}

TEST_P(SyncFaultsTest, CentralFailingMidBatchKeepsWhatItAppliedAndResumes) {
  auto ids = save_enrollments(5);
  // Central's database goes away while the third item is being applied.
  auto real = make_enrollment_handler(nullptr);
  int calls = 0;
  central.ingest->set_handler(std::string(kEnrollmentKind),
                              [&](store::Connection& c, const StationRecord& s, const OutboxItem& item,
                                  std::int64_t now) -> Result<ItemResult> {
                                auto result = real(c, s, item, now);  // written, then lost with the transaction
                                if (item.seq == 3 && calls++ == 0) {
                                  return make_error(ErrorCode::kUnavailable, "server closed the connection");
                                }
                                return result;
                              });
  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  auto round = uploader.upload_once(5);
  ASSERT_OK(round);  // the receipts for 1–2 came back
  EXPECT_EQ(round->receipts, 2u);
  EXPECT_EQ(round->pending_after, 3);
  EXPECT_EQ(central_count("enrollments"), 2);
  EXPECT_EQ(last_seq(), 2);
  round = uploader.upload_once(5);
  ASSERT_OK(round);
  EXPECT_EQ(round->receipts, 3u);
  EXPECT_EQ(round->pending_after, 0);
  expect_each_once(ids);
}

TEST_P(SyncFaultsTest, LeasesGrantedAtTheSameMomentNeverOverlap) {
  // Two stations of one district provisioned at the same moment, then renewing at the same
  // moment: no serial may be lent to both.
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::array<std::string, 2> ids{fmt::format("st-race-{}a", round), fmt::format("st-race-{}b", round)};
    std::array<std::string, 2> tokens;
    for (std::size_t t = 0; t < 2; ++t) {
      auto token = register_station(central.db(), RegionDirectory::builtin(),
                                    {ids[t], district, "Kantor Kecamatan", {"operator"}}, "admin", kCentralNowMs);
      ASSERT_OK(token);
      tokens[t] = *token;
    }
    for (bool renew : {false, true}) {
      std::latch start(2);
      std::array<Status, 2> answers;
      std::vector<std::thread> threads;
      for (std::size_t t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
          auto key = generate_key_pair();
          start.arrive_and_wait();
          if (renew) {
            auto leases = renew_station_leases(central.db(), ids[t], kCentralNowMs);
            answers[t] = leases ? Status{} : Status{std::unexpected(leases.error())};
          } else {
            auto provisioned = provision_station(central.db(), ids[t], tokens[t], key.public_key_hex, kCentralNowMs);
            answers[t] = provisioned ? Status{} : Status{std::unexpected(provisioned.error())};
          }
        });
      }
      for (auto& thread : threads) thread.join();
      for (const auto& answer : answers) ASSERT_OK(answer);
    }
  }
  for (std::string kind : {"nik", "kk"}) {
    EXPECT_EQ(test::count_rows(central.db(),
                               "SELECT COUNT(*) FROM serial_leases a JOIN serial_leases b ON a.lease_id < b.lease_id "
                               "AND a.kind = b.kind AND a.district_code = b.district_code "
                               "AND a.first_serial <= b.last_serial AND b.first_serial <= a.last_serial "
                               "WHERE a.kind = $1",
                               {kind}),
              0)
        << kind << " leases overlap";
  }
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM serial_leases"), 2 + kRounds * 2 * 2 * 2);
}

TEST_P(SyncFaultsTest, AProvisioningTokenRacedTwiceWorksOnce) {
  // The same one-time token presented twice at the same moment (a retry racing the first try, or
  // someone who copied it): one station key is registered, the other attempt is refused.
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::string id = fmt::format("st-token-{}", round);
    auto token = register_station(central.db(), RegionDirectory::builtin(),
                                  {id, district, "Kantor Kecamatan", {"operator"}}, "admin", kCentralNowMs);
    ASSERT_OK(token);
    std::array<KeyPair, 2> keys{generate_key_pair(), generate_key_pair()};
    std::latch start(2);
    std::array<Result<Provisioning>, 2> answers{make_error(ErrorCode::kInternal, "not run"),
                                                make_error(ErrorCode::kInternal, "not run")};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        answers[t] = provision_station(central.db(), id, *token, keys[t].public_key_hex, kCentralNowMs);
      });
    }
    for (auto& thread : threads) thread.join();
    int accepted = 0;
    for (std::size_t t = 0; t < 2; ++t) {
      if (!answers[t]) {
        // The token is spent: refused as unknown (its hash is cleared) or as already used.
        EXPECT_TRUE(answers[t].error().code == ErrorCode::kUnauthenticated ||
                    answers[t].error().code == ErrorCode::kFailedPrecondition)
            << answers[t].error().message;
        continue;
      }
      ++accepted;
      // The key that was told it is registered is the one central holds.
      auto conn = central.db().connect();
      ASSERT_OK(conn);
      EXPECT_EQ(load_station(**conn, id)->public_key_hex, keys[t].public_key_hex);
    }
    EXPECT_EQ(accepted, 1);
    EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM serial_leases WHERE station_id = $1", {id}), 2);
  }
}

EKTP_INSTANTIATE_FOR_BACKENDS(SyncFaultsTest);

}  // namespace
}  // namespace ektp::sync
