// Faults at central's door, on both back ends: copies of signed requests racing through
// authentication, and provisioning and lease grants that race.
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

class SyncFaultsTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    central = test::make_central(backend());
    district = test::busiest_district(central.db());
    station = test::make_station(central, "st-faults", district);
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

  test::Central central;
  test::Station station;
  std::string district;
  std::vector<std::string> residents;
};

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
                                              registry::sha256_hex(r.body));
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
