// The kinds of reads a resident is shown, who did them, and what the record's detail says (pure):
// every action the server records about a resident maps to a kind, unknown ones to "other"; an
// agency's detail gives its agreement, purpose (even one holding "; ") and fields, never its key.
#include "resident/read_kinds.h"

#include <gtest/gtest.h>

namespace ektp::resident {
namespace {

TEST(ReadKinds, EveryRecordedReadHasItsKind) {
  EXPECT_EQ(classify_read("read_person"), ReadKind::kOfficerView);
  EXPECT_EQ(classify_read("read_history"), ReadKind::kOfficerView);
  EXPECT_EQ(classify_read("read_family"), ReadKind::kOfficerView);
  EXPECT_EQ(classify_read("read_correction"), ReadKind::kOfficerView);  // any other read_*
  EXPECT_EQ(classify_read("agency.verify"), ReadKind::kAgencyVerify);
  EXPECT_EQ(classify_read("agency.retrieve"), ReadKind::kAgencyRetrieve);
  EXPECT_EQ(classify_read("agency.bulk_match"), ReadKind::kBulkMatch);
  EXPECT_EQ(classify_read("read_card_desk"), ReadKind::kCardRead);
  EXPECT_EQ(classify_read("read_card_face"), ReadKind::kCardRead);
  EXPECT_EQ(classify_read("chip.verify"), ReadKind::kCardRead);
  EXPECT_EQ(classify_read("read_sukets"), ReadKind::kSuketCheck);
  EXPECT_EQ(classify_read("suket.verify"), ReadKind::kSuketCheck);
  EXPECT_EQ(classify_read("event.birth"), ReadKind::kOther);
  EXPECT_EQ(classify_read("resident_pin.issue"), ReadKind::kOther);
  EXPECT_EQ(classify_read(""), ReadKind::kOther);
  EXPECT_EQ(read_kind_id(ReadKind::kOfficerView), "officer_view");
  EXPECT_EQ(read_kind_id(ReadKind::kSuketCheck), "suket_check");
  EXPECT_EQ(read_kind_id(ReadKind::kOther), "other");
}

TEST(ReadKinds, ActorsAreOfficersAgenciesStationsThePublicOrTheSystem) {
  EXPECT_EQ(parse_actor("agency:bpjs-kesehatan").type, ActorType::kAgency);
  EXPECT_EQ(parse_actor("agency:bpjs-kesehatan").name, "bpjs-kesehatan");
  EXPECT_EQ(parse_actor("station:st-332701-1").type, ActorType::kStation);
  EXPECT_EQ(parse_actor("station:st-332701-1").name, "st-332701-1");
  EXPECT_EQ(parse_actor("public").type, ActorType::kPublic);
  EXPECT_EQ(parse_actor("system").type, ActorType::kSystem);
  EXPECT_EQ(parse_actor("ani.op").type, ActorType::kOfficer);
  EXPECT_EQ(parse_actor("ani.op").name, "ani.op");
  EXPECT_EQ(actor_type_id(ActorType::kAgency), "agency");
}

TEST(ReadKinds, AnAgencyDetailGivesItsAgreementPurposeAndFieldsButNotItsKey) {
  const auto detail = parse_read_detail(
      "agreement 440/77/PKS/2026; key 3fa9c0d1e2b34455; purpose verifikasi peserta JKN; fields name,birth_date; "
      "tidak sesuai: birth_date");
  EXPECT_EQ(detail.agreement, "440/77/PKS/2026");
  EXPECT_EQ(detail.purpose, "verifikasi peserta JKN");
  EXPECT_EQ(detail.fields, (std::vector<std::string>{"name", "birth_date"}));

  const auto odd = parse_read_detail("agreement P/1; key k; purpose klaim; rawat inap; fields mother_name");
  EXPECT_EQ(odd.purpose, "klaim; rawat inap") << "a purpose runs up to the fields";
  EXPECT_EQ(odd.fields, (std::vector<std::string>{"mother_name"}));

  const auto plain = parse_read_detail("client 192.0.2.1");
  EXPECT_TRUE(plain.purpose.empty());
  EXPECT_TRUE(plain.agreement.empty());
  EXPECT_TRUE(plain.fields.empty());
  // Whatever is not a plain field id is left out.
  EXPECT_EQ(parse_read_detail("fields name,<b>x</b>,,sex").fields, (std::vector<std::string>{"name", "sex"}));
  EXPECT_TRUE(parse_read_detail("").fields.empty());
  EXPECT_TRUE(parse_read_detail("xpurpose y").purpose.empty());
}

}  // namespace
}  // namespace ektp::resident
