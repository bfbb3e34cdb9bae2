// The outbox of event subscriptions on SQLite and PostgreSQL: a civil event writes one pending
// delivery per matching subscription in its own transaction — at central's desk and applied
// inside a caller's transaction (a station's item), and none when that transaction rolls back;
// none for a subscription that does not ask for the type, an agency whose agreement covers other
// regions, has expired or does not include "subscribe", nor a deleted subscription. The CloudEvent
// it carries holds only the agreement's retrieve fields of the persons within its regions, a
// stable id, and a person who moved out of the regions with nothing but their NIK.
#include "agency/event_outbox.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "agency/cloud_event.h"
#include "subscription_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kAdmin;
using test_fixture::kDayMs;
using test_fixture::kNowMs;
using test_fixture::subscribe_agreement;

// A JSON text member as a std::string (a non-text reads as "(not text)").
std::string text(const boost::json::value& v) { return v.is_string() ? std::string(v.as_string()) : "(not text)"; }

class EventOutboxTest : public test_fixture::SubscriptionTest {
 protected:
  // The bodies of the pending deliveries of `agency`, oldest first.
  std::vector<boost::json::object> bodies(const std::string& agency) {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT body FROM agency_deliveries WHERE agency_code = $1 ORDER BY id", {agency});
    EXPECT_OK(rows);
    std::vector<boost::json::object> out;
    for (const auto& row : rows->rows) out.push_back(boost::json::parse(row.text(0)).as_object());
    return out;
  }
  // A second agency with its own agreement and key.
  AgencyCaller other_agency(const std::string& code, Agreement agreement) {
    EXPECT_OK(create_agency(db(), {code, "Bank Daerah", AgencyKind::kBank}, kAdmin));
    EXPECT_OK(add_agreement(db(), agreement, kAdmin));
    auto issued = issue_api_key(db(), code, "", kAdmin);
    EXPECT_OK(issued);
    return authenticated(issued->secret);
  }
};

TEST_P(EventOutboxTest, ABirthWritesOneSignedForDeliveryPerMatchingSubscription) {
  const Subscription births = subscribe({"birth", "death"}, caller);
  const Subscription deaths_only = subscribe({"death"}, caller);
  const Person m = mother();
  const std::string child = record_birth("b-1");
  ASSERT_FALSE(child.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE subscription_id = $1 AND state = 'pending' AND "
                  "next_attempt_at_ms = $2",
                  {births.id, kNowMs}),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE subscription_id = $1", {deaths_only.id}), 0);
  const auto body = bodies("bpjs-kesehatan").at(0);
  EXPECT_EQ(text(body.at("specversion")), "1.0");
  EXPECT_EQ(text(body.at("source")), "/ektp/central");
  EXPECT_EQ(text(body.at("type")), "id.go.dukcapil.birth");
  EXPECT_EQ(text(body.at("subject")), child);
  EXPECT_EQ(text(body.at("datacontenttype")), "application/json");
  EXPECT_EQ(text(body.at("time")), rfc3339_utc(kNowMs));
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(text(body.at("id")), cloud_event_id(data.at("event_id").as_int64()));
  EXPECT_EQ(text(data.at("agreement")), "440/77/PKS/2026");
  const auto& persons = data.at("persons").as_array();
  ASSERT_EQ(persons.size(), 2u);  // the child and the mother, both in 3327
  const auto& born = persons[0].as_object();
  EXPECT_EQ(text(born.at("role")), "child");
  EXPECT_EQ(text(born.at("fields").at("nik")), child);
  EXPECT_EQ(text(born.at("fields").at("name")), "Putri Sejati");
  EXPECT_EQ(text(born.at("fields").at("alive")), "true");
  // Only the retrieve fields: never the mother's name on the child, the address or the KK.
  EXPECT_EQ(born.at("fields").as_object().size(), 6u);
  const std::string serialized = boost::json::serialize(body);
  EXPECT_EQ(serialized.find(m.kk_number), std::string::npos);
  EXPECT_EQ(serialized.find("\"mother_name\""), std::string::npos);
  EXPECT_EQ(serialized.find(m.address.street), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE subjects = $1", {child + "," + m.nik}), 1);
  // A repeat of the same request is a replay: no second delivery.
  EXPECT_OK(civil->register_birth(context("b-1"), birth_of(m, "Putri Sejati")));
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 1);
}

TEST_P(EventOutboxTest, NoDeliveryOutsideTheAgreementOrWithoutSubscribe) {
  subscribe({"birth"}, caller);
  // Another agency for Kota Tegal only: a birth in Pemalang is not its to hear of.
  const AgencyCaller tegal = other_agency("bank-tegal", [] {
    auto a = subscribe_agreement("bank-tegal", "PKS/TEGAL/1", {"3376"});
    return a;
  }());
  subscribe({"birth"}, tegal);
  // A third whose agreement does not include subscribe any more (a new agreement replaces it).
  const AgencyCaller lapsed = other_agency("bank-jateng", subscribe_agreement("bank-jateng", "PKS/J/1", {"33"}));
  subscribe({"birth"}, lapsed);
  auto narrower = subscribe_agreement("bank-jateng", "PKS/J/2", {"33"});
  narrower.operations = {AgencyOperation::kRetrieve};
  narrower.valid_from_ms = kNowMs - kDayMs;
  ASSERT_OK(add_agreement(db(), narrower, kAdmin));
  record_birth("b-2");
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE agency_code = 'bpjs-kesehatan'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE agency_code = 'bank-tegal'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE agency_code = 'bank-jateng'"), 0);
  // After BPJS's agreement has expired, no more deliveries for it.
  registry::WriteContext late = context("b-3");
  late.now = at(kNowMs + 400 * kDayMs);
  ASSERT_OK(civil->register_birth(late, birth_of(mother(), "Dewi Lestari")));
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 1);
}

TEST_P(EventOutboxTest, ADeletedSubscriptionGetsNothingMore) {
  const Subscription s = subscribe({"birth"}, caller);
  record_birth("b-4");
  auto ended = delete_subscription(db(), caller, s.id, kNowMs + 1000);
  ASSERT_OK(ended);
  EXPECT_EQ(ended->cancelled_deliveries, 1);
  record_birth("b-5", "Ayu Lestari");
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries WHERE state = 'dead'"), 1);
}

TEST_P(EventOutboxTest, AnEventAppliedInACallersTransactionCommitsOrRollsBackWithItsDeliveries) {
  subscribe({"birth", "death"}, caller);
  const Person deceased = resident("birth_date < '1960-01-01'");
  registry::DeathRequest death{deceased.nik, jakarta_date_of(at(kNowMs - kDayMs)), "Pemalang", {}};
  registry::WriteContext ctx = context("st-1/death/d-1");
  ctx.after_event = civil->event_hook();  // as central's sync handlers and agency routes set it
  ASSERT_NE(ctx.after_event, nullptr);
  EXPECT_EQ(registry::CivilRegistry(db(), RegionDirectory::builtin()).event_hook(), nullptr);
  // The caller's transaction fails after the event: nothing of it stays, deliveries included.
  auto failed = store::with_write_transaction<int>(db(), [&](store::Connection& c) -> Result<int> {
    EKTP_RETURN_IF_ERROR(registry::apply_death(c, ctx, death));
    return make_error(ErrorCode::kAborted, "the sync receipt could not be written");
  }, 1);
  ASSERT_FALSE(failed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'death'"), 0);
  auto applied = store::with_write_transaction<int>(db(), [&](store::Connection& c) -> Result<int> {
    EKTP_RETURN_IF_ERROR(registry::apply_death(c, ctx, death));
    return 1;
  });
  ASSERT_OK(applied);
  const auto body = bodies("bpjs-kesehatan").at(0);
  EXPECT_EQ(text(body.at("type")), "id.go.dukcapil.death");
  EXPECT_EQ(text(body.at("subject")), deceased.nik);
  const auto& fields = body.at("data").at("persons").at(0).at("fields");
  EXPECT_EQ(text(fields.at("alive")), "false");
  EXPECT_EQ(text(fields.at("death_date")), format_civil_date(death.date));
  // Without the hook (a station's working copy): no delivery.
  registry::WriteContext bare = context("d-2");
  const Person other = resident("birth_date < '1960-01-01' AND nik <> '" + deceased.nik + "'");
  ASSERT_OK(store::with_write_transaction<int>(db(), [&](store::Connection& c) -> Result<int> {
    EKTP_RETURN_IF_ERROR(registry::apply_death(c, bare, {other.nik, death.date, "Pemalang", {}}));
    return 1;
  }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_deliveries"), 1);
}

TEST_P(EventOutboxTest, AMoveOutOfTheRegionsTellsOnlyTheNik) {
  subscribe({"move"}, caller);
  const AgencyCaller tegal = other_agency("bank-tegal", subscribe_agreement("bank-tegal", "PKS/TEGAL/1", {"3376"}));
  subscribe({"move"}, tegal);
  const Person mover = resident("relation = 'kepala_keluarga'");
  registry::MoveRequest move;
  move.niks = {mover.nik};
  move.date = jakarta_date_of(at(kNowMs - kDayMs));
  move.to = {"Jl. Pancasila 9", "3", "1", "3376011001"};  // Kota Tegal
  ASSERT_OK(civil->register_move(context("mv-1"), move));
  const auto bpjs = bodies("bpjs-kesehatan").at(0);
  const auto& left = bpjs.at("data").at("persons").at(0).as_object();
  EXPECT_TRUE(left.at("left_region").as_bool());
  EXPECT_EQ(left.at("fields").as_object().size(), 1u);
  EXPECT_EQ(text(left.at("fields").at("nik")), mover.nik);
  EXPECT_EQ(boost::json::serialize(bpjs).find("Pancasila"), std::string::npos);
  // The destination's agency gets the person as they are now.
  const auto arrived = bodies("bank-tegal").at(0).at("data").at("persons").at(0).as_object();
  EXPECT_FALSE(arrived.contains("left_region"));
  EXPECT_EQ(text(arrived.at("fields").at("name")), mover.name);
}

TEST_P(EventOutboxTest, AnAgreementWithoutTheNikFieldGetsNoNik) {
  const AgencyCaller hospital = other_agency("rs-pemalang", [] {
    auto a = subscribe_agreement("rs-pemalang", "PKS/RS/1", {"3327"});
    a.retrieve_fields = {"birth_date", "sex"};
    return a;
  }());
  subscribe({"birth"}, hospital);
  const std::string child = record_birth("b-6");
  const auto body = bodies("rs-pemalang").at(0);
  EXPECT_FALSE(body.contains("subject"));
  EXPECT_EQ(boost::json::serialize(body).find(child), std::string::npos);
  EXPECT_EQ(body.at("data").at("persons").at(0).at("fields").as_object().size(), 2u);
}

EKTP_INSTANTIATE_FOR_BACKENDS(EventOutboxTest);

}  // namespace
}  // namespace ektp::agency
