// A fresh registry on each back end with one seeded family in Pemalang (Moga): Budi (head, born
// 1985), Siti (istri, born 1988) and their son Andi (born 2012), plus an unmarried adult Rina.
#pragma once

#include <chrono>

#include "core/nik.h"
#include "registry/civil_registry.h"
#include "registry/person_store.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::registry {

class RegistryTest : public test::BackendTest {
 public:
  static constexpr const char* kVillage = "3327012001";  // a village in Moga, Pemalang

 protected:
  void SetUp() override;

  WriteContext context(std::string key, Role role = Role::kOperator, std::string user = "op1") {
    return WriteContext{{std::move(user), role}, now, std::move(key), "hash-" + key};
  }
  Person person(std::string_view nik) {
    auto c = db().connect();
    EXPECT_TRUE(c.has_value());
    auto p = load_person(**c, nik);
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
    return p.value_or(Person{});
  }
  Family family(std::string_view kk) {
    auto c = db().connect();
    auto f = load_family(**c, kk);
    EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message);
    return f.value_or(Family{});
  }
  std::int64_t count(std::string_view sql) {
    auto c = db().connect();
    auto r = (*c)->execute(sql);
    EXPECT_TRUE(r.has_value());
    return r ? r->rows.front().integer(0) : -1;
  }

  std::chrono::system_clock::time_point now =
      std::chrono::sys_days{CivilDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{23}}} +
      std::chrono::hours{3};
  std::unique_ptr<CivilRegistry> registry;
  std::string kk, budi, siti, andi, rina;
};

}  // namespace ektp::registry
