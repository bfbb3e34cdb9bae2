#include "core/region.h"

#include "support/test_support.h"

namespace ektp {
namespace {

TEST(RegionDirectoryTest, BuiltinHasTheWholeCountry) {
  const auto& regions = RegionDirectory::builtin();
  EXPECT_EQ(regions.count(RegionLevel::kProvince), 38u);
  EXPECT_EQ(regions.count(RegionLevel::kRegency), 514u);
  EXPECT_EQ(regions.count(RegionLevel::kDistrict), 7285u);
  EXPECT_EQ(regions.count(RegionLevel::kVillage), 83762u);
}

TEST(RegionDirectoryTest, PemalangHierarchy) {
  const auto& regions = RegionDirectory::builtin();
  ASSERT_NE(regions.find("33"), nullptr);
  EXPECT_EQ(regions.find("33")->name, "Jawa Tengah");
  EXPECT_EQ(regions.find("332701")->name, "Moga");
  EXPECT_EQ(regions.children("3327").size(), 14u);
  for (const auto& district : regions.children("3327")) {
    EXPECT_TRUE(district.code.starts_with("3327"));
    EXPECT_EQ(district.level, RegionLevel::kDistrict);
    EXPECT_FALSE(regions.children(district.code).empty()) << district.code;
  }
  auto village = regions.children("332701").front().code;
  auto chain = regions.lineage(village);
  ASSERT_EQ(chain.size(), 4u);
  EXPECT_EQ(chain[1]->code, "3327");
  EXPECT_TRUE(regions.lineage("3327999999").empty());
  EXPECT_EQ(regions.find("12345"), nullptr);
}

TEST(RegionDirectoryTest, RejectsBadTables) {
  const char* header = "code,parent_code,name\n";
  std::string provinces = std::string(header) + "33,,Jawa Tengah\n";
  std::string regencies = std::string(header) + "3327,33,Kabupaten Pemalang\n";
  std::string districts = std::string(header) + "332701,3327,Moga\n";
  std::string villages = std::string(header) + "3327012001,332701,Banyumudal\n";
  EXPECT_OK(RegionDirectory::from_csv(provinces, regencies, districts, villages));
  EXPECT_ERROR(RegionDirectory::from_csv("code,name\n", regencies, districts, villages),
               ErrorCode::kInvalidArgument, "header");
  EXPECT_ERROR(RegionDirectory::from_csv(provinces, std::string(header) + "3427,34,X\n",
                                         districts, villages),
               ErrorCode::kInvalidArgument, "parent '34'");
  EXPECT_ERROR(RegionDirectory::from_csv(provinces, regencies,
                                         std::string(header) + "33270,3327,Moga\n", villages),
               ErrorCode::kInvalidArgument, "6 digits");
  EXPECT_ERROR(RegionDirectory::from_csv(provinces + "33,,Again\n", regencies, districts, villages),
               ErrorCode::kInvalidArgument, "twice");
  EXPECT_ERROR(RegionDirectory::from_csv(provinces, regencies, districts,
                                         std::string(header) + "3327012001,332701\n"),
               ErrorCode::kInvalidArgument, "3 fields");
}

}  // namespace
}  // namespace ektp
