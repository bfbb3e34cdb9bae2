#include "api/sync_json.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/auth_service.h"
#include "core/role.h"
#include "registry/json_fields.h"

namespace ektp::api {

using boost::json::array;
using boost::json::object;
using namespace ektp::json;

object lease_to_json(const sync::SerialLease& l) {
  return object{{"lease_id", l.lease_id},         {"station_id", l.station_id},   {"kind", l.kind},
                {"district_code", l.district_code}, {"first_serial", l.first_serial}, {"last_serial", l.last_serial},
                {"granted_at_ms", l.granted_at_ms}, {"valid_for_ms", l.valid_for_ms}, {"expires_at_ms", l.expires_at_ms}};
}

Result<sync::SerialLease> lease_from_json(const boost::json::value& value) {
  auto o = as_object(value, "lease");
  if (!o) return std::unexpected(o.error());
  sync::SerialLease l;
  auto text = [&](std::string_view f, std::string& out) -> Status {
    auto v = required_string(**o, f, "lease");
    if (!v) return std::unexpected(v.error());
    out = *v;
    return {};
  };
  auto integer = [&](std::string_view f, std::int64_t& out) -> Status {
    auto v = required_int(**o, f, "lease");
    if (!v) return std::unexpected(v.error());
    out = *v;
    return {};
  };
  std::int64_t first = 0, last = 0;
  for (auto s : {text("lease_id", l.lease_id), text("station_id", l.station_id), text("kind", l.kind),
                 text("district_code", l.district_code), integer("first_serial", first), integer("last_serial", last),
                 integer("granted_at_ms", l.granted_at_ms), integer("valid_for_ms", l.valid_for_ms)}) {
    if (!s) return std::unexpected(s.error());
  }
  if (first < 1 || last > 9999 || first > last) return invalid_argument("lease: serials out of 1..9999");
  if (l.valid_for_ms <= 0) return invalid_argument("lease: valid_for_ms must be positive");
  l.first_serial = static_cast<int>(first);
  l.last_serial = static_cast<int>(last);
  return l;
}

array leases_to_json(const std::vector<sync::SerialLease>& leases) {
  array out;
  for (const auto& l : leases) out.push_back(lease_to_json(l));
  return out;
}

Result<std::vector<sync::SerialLease>> leases_from_json(const boost::json::value& value) {
  if (!value.is_array()) return invalid_argument("leases: must be an array");
  std::vector<sync::SerialLease> out;
  for (const auto& v : value.as_array()) {
    auto l = lease_from_json(v);
    if (!l) return std::unexpected(l.error());
    out.push_back(std::move(*l));
  }
  return out;
}

object station_to_json(const sync::StationRecord& s) {
  array operators;
  for (const auto& op : s.operators) operators.emplace_back(op);
  return object{{"station_id", s.station_id},
                {"district_code", s.district_code},
                {"name", s.name},
                {"status", s.status},
                {"operators", std::move(operators)},
                {"last_seq", s.last_seq},
                {"created_at_ms", s.created_at_ms},
                {"provisioned_at_ms", s.provisioned_at_ms},
                {"revoked_at_ms", s.revoked_at_ms},
                {"last_seen_at_ms", s.last_seen_at_ms}};
}

array operators_to_json(const std::vector<sync::OperatorCredential>& operators) {
  array out;
  for (const auto& op : operators) {
    out.push_back(object{{"username", op.username}, {"role", op.role}, {"active", op.active}});
  }
  return out;
}

Result<std::vector<sync::OperatorCredential>> operators_from_json(const boost::json::value& value) {
  if (!value.is_array()) return invalid_argument("operators: must be an array");
  const auto& list = value.as_array();
  if (list.size() > 1000) return invalid_argument("operators: at most 1000");
  std::vector<sync::OperatorCredential> out;
  for (const auto& v : list) {
    EKTP_ASSIGN_OR_RETURN(auto op, as_object(v, "operators[]"));
    EKTP_ASSIGN_OR_RETURN(auto user, required_string(*op, "username", "operators[]"));
    EKTP_ASSIGN_OR_RETURN(auto role, required_string(*op, "role", "operators[]"));
    EKTP_RETURN_IF_ERROR(access::validate_username(user));
    auto parsed = parse_role(role);
    if (!parsed || !can_record_events(*parsed)) {
      return invalid_argument(fmt::format("operators[]: '{}' is not an operator or supervisor role", role));
    }
    bool active = true;
    if (const auto* a = op->if_contains("active")) {
      if (!a->is_bool()) return invalid_argument("operators[].active: must be true or false");
      active = a->as_bool();
    }
    out.push_back({user, role, active});
  }
  return out;
}

object provisioning_to_json(const sync::Provisioning& p) {
  return object{{"station", station_to_json(p.station)},
                {"central_public_key", p.central_public_key_hex},
                {"operators", operators_to_json(p.operators)},
                {"leases", leases_to_json(p.leases)}};
}

Result<sync::Provisioning> provisioning_from_json(const boost::json::value& value) {
  auto o = as_object(value, "provisioning");
  if (!o) return std::unexpected(o.error());
  sync::Provisioning p;
  const auto* station = (*o)->if_contains("station");
  if (!station) return invalid_argument("provisioning: station missing");
  auto so = as_object(*station, "station");
  if (!so) return std::unexpected(so.error());
  auto id = required_string(**so, "station_id", "station");
  auto district = required_string(**so, "district_code", "station");
  auto name = optional_string(**so, "name", "station");
  auto key = required_string(**o, "central_public_key");
  if (!id || !district || !name || !key) return invalid_argument("provisioning: station or key missing");
  p.station.station_id = *id;
  p.station.district_code = *district;
  p.station.name = name->value_or("");
  p.station.status = "active";
  p.central_public_key_hex = *key;
  if (const auto* operators = (*o)->if_contains("operators")) {
    auto parsed = operators_from_json(*operators);
    if (!parsed) return std::unexpected(parsed.error());
    p.operators = std::move(*parsed);
  }
  const auto* leases = (*o)->if_contains("leases");
  if (leases) {
    auto parsed = leases_from_json(*leases);
    if (!parsed) return std::unexpected(parsed.error());
    p.leases = std::move(*parsed);
  }
  return p;
}

object outbox_summary_to_json(const sync::OutboxSummary& s) {
  return object{{"pending", s.pending},
                {"oldest_pending_created_at_ms", s.oldest_pending_created_at_ms},
                {"delivered", s.delivered},
                {"conflicts", s.conflicts},
                {"rejected", s.rejected},
                {"last_delivered_at_ms", s.last_delivered_at_ms},
                {"last_attempt_at_ms", s.last_attempt_at_ms},
                {"last_error", s.last_error}};
}

object outbox_row_to_json(const sync::OutboxRow& r) {
  object o{{"seq", r.seq},
           {"key", r.item_key},
           {"kind", r.kind},
           {"nik", r.nik},
           {"created_at_ms", r.created_at_ms},
           {"attempts", r.attempts},
           {"last_error", r.last_error},
           {"delivered_at_ms", r.delivered_at_ms},
           {"outcome", r.outcome}};
  if (!r.receipt.empty()) {
    boost::system::error_code ec;
    auto receipt = boost::json::parse(r.receipt, ec);
    if (!ec) o["receipt"] = std::move(receipt);
  }
  return o;
}

}  // namespace ektp::api
