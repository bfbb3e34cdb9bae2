// JSON forms of registry objects (docs/api.md) and parsers for the civil-event request bodies.
#pragma once

#include <boost/json/object.hpp>

#include "core/family.h"
#include "core/person.h"
#include "core/region.h"
#include "registry/civil_registry.h"
#include "registry/coverage.h"
#include "registry/event_json.h"
#include "registry/event_log.h"

namespace ektp::api {

boost::json::object person_json(const Person& person, const RegionDirectory& regions, CivilDate today);
boost::json::object address_json(const Address& address, const RegionDirectory& regions);
boost::json::object family_json(const Family& family, const std::vector<Person>& members,
                                const RegionDirectory& regions, CivilDate today);
boost::json::object event_json(const registry::StoredEvent& event);
boost::json::object coverage_json(const registry::CoverageReport& report);

using registry::parse_birth_request;  // registry/event_json.h: stations send the same body
Result<registry::NewFamilyRequest> parse_new_family_request(const boost::json::object& body, bool split);
Result<registry::MarriageRequest> parse_marriage_request(const boost::json::object& body);
Result<registry::DivorceRequest> parse_divorce_request(const boost::json::object& body);
Result<registry::DeathRequest> parse_death_request(const boost::json::object& body);
Result<registry::MoveRequest> parse_move_request(const boost::json::object& body);
Result<registry::CorrectionRequest> parse_correction_request(const boost::json::object& body);

}  // namespace ektp::api
