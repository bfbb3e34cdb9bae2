// JSON of the station/sync objects that cross HTTP: provisioning, leases, stations, outbox rows.
#pragma once

#include <boost/json/value.hpp>

#include "sync/outbox.h"
#include "sync/station_directory.h"

namespace ektp::api {

boost::json::object lease_to_json(const sync::SerialLease& lease);
Result<sync::SerialLease> lease_from_json(const boost::json::value& value);
boost::json::array leases_to_json(const std::vector<sync::SerialLease>& leases);
Result<std::vector<sync::SerialLease>> leases_from_json(const boost::json::value& value);

// An operator roster (provisioning, GET /api/v1/sync/operators): usernames, roles, active flags.
boost::json::array operators_to_json(const std::vector<sync::OperatorCredential>& operators);
Result<std::vector<sync::OperatorCredential>> operators_from_json(const boost::json::value& value);
boost::json::object provisioning_to_json(const sync::Provisioning& provisioning);
Result<sync::Provisioning> provisioning_from_json(const boost::json::value& value);

boost::json::object station_to_json(const sync::StationRecord& station);
boost::json::object outbox_summary_to_json(const sync::OutboxSummary& summary);
boost::json::object outbox_row_to_json(const sync::OutboxRow& row);

}  // namespace ektp::api
