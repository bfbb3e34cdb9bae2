// Printable documents: the biodata sheet of a person and the family card (Kartu Keluarga), as PDF
// bytes rendered with cairo. Bahasa Indonesia, like the paper forms.
#pragma once

#include <string>
#include <vector>

#include "core/family.h"
#include "core/person.h"
#include "core/region.h"

namespace ektp::registry {

Result<std::string> render_biodata_pdf(const Person& person, const RegionDirectory& regions, CivilDate today);
Result<std::string> render_family_card_pdf(const Family& family, const std::vector<Person>& members,
                                           const RegionDirectory& regions, CivilDate today);

}  // namespace ektp::registry
