// JSON of civil-event request bodies (docs/api.md), shared by central's routes (api/) and the
// station's sync items (sync/), which carry the same request from the desk to central. Parsers are
// strict: unknown fields are refused and every error names its field.
#pragma once

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "registry/civil_registry.h"

namespace ektp::registry {

// "documents": [{"type": …, "number": …}] (optional, at most 10).
Result<std::vector<Document>> parse_documents(const boost::json::object& body);
boost::json::array documents_json(const std::vector<Document>& documents);

// The body of POST /api/v1/events/birth (its idempotency_key is allowed and left to the caller).
// assigned_nik is never read from a body: only the registry's callers assign NIKs.
Result<BirthRequest> parse_birth_request(const boost::json::object& body);
// The inverse: a body that parse_birth_request reads back to the same request (no key, no NIK).
boost::json::object birth_request_json(const BirthRequest& request);

// {"street", "rt", "rw", "village_code"} at `field` (kInvalidArgument naming "<field>.<name>").
Result<AddressInput> parse_address_input(const boost::json::value* value, std::string_view field);
boost::json::object address_input_json(const AddressInput& address);

// The body of POST /api/v1/events/move (and of a station's move-in). assigned_kk_number is never
// read from a body: only the registry's callers assign KK numbers.
Result<MoveRequest> parse_move_request(const boost::json::object& body);
// The inverse: a body that parse_move_request reads back to the same request (no key, no KK).
boost::json::object move_request_json(const MoveRequest& request);

// The bodies of POST /api/v1/events/{marriage,divorce,death} (and of a station's desk items for
// them), with their inverses: bodies that the parsers read back to the same request (no key).
Result<MarriageRequest> parse_marriage_request(const boost::json::object& body);
boost::json::object marriage_request_json(const MarriageRequest& request);
Result<DivorceRequest> parse_divorce_request(const boost::json::object& body);
boost::json::object divorce_request_json(const DivorceRequest& request);
Result<DeathRequest> parse_death_request(const boost::json::object& body);
boost::json::object death_request_json(const DeathRequest& request);

}  // namespace ektp::registry
