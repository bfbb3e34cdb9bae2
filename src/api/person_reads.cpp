#include "api/person_reads.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/office_scope.h"
#include "core/civil_date.h"

namespace ektp::api {

namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::string> search_scope(const ApiServices& s, const access::Session& session) {
  if (!s.office_scoped) return std::string();
  return access::office_search_prefix(session);
}

Status release_person_reads(ApiServices& s, const access::Session& session, std::string_view action,
                            const std::vector<PersonRead>& reads, std::string_view detail) {
  auto entries = person_read_entries(s, session, action, reads, detail);
  if (!entries) return std::unexpected(entries.error());
  return s.audit.record_all(std::move(*entries));
}

HttpResponse audited_response(ApiServices& s, std::vector<access::AuditEntry> entries, HttpResponse response) {
  if (entries.empty()) return response;
  response.gate = [&audit = s.audit, entries = std::move(entries)](ResponseRelease release) mutable {
    audit.record_all_then(std::move(entries), std::move(release));
  };
  return response;
}

Result<std::vector<access::AuditEntry>> person_read_entries(ApiServices& s, const access::Session& session,
                                                            std::string_view action,
                                                            const std::vector<PersonRead>& reads,
                                                            std::string_view detail) {
  const auto now = s.clock();
  const std::int64_t now_ms = to_ms(now);
  if (s.office_scoped) {
    for (const auto& read : reads) {
      if (auto covered = access::check_office_covers(session, read.village_code); !covered) {
        EKTP_RETURN_IF_ERROR(s.audit.record({now_ms, session.username, fmt::format("refused_{}", action), read.nik,
                                             covered.error().message}));
        return std::unexpected(covered.error());
      }
    }
  }
  std::vector<access::AuditEntry> entries;
  entries.reserve(reads.size() + 1);
  if (s.read_quota != nullptr && !reads.empty()) {
    const std::int64_t day = std::chrono::sys_days(jakarta_date_of(now)).time_since_epoch().count();
    auto charge = s.read_quota->charge(session.username, session.role, reads.size(), now_ms, day);
    if (!charge.allowed) {
      if (charge.first_refusal_today) {
        spdlog::warn("read quota: {} ({}) used {} of {} resident reads today (alert.read_quota)", session.username,
                     role_id(session.role), charge.used_today, charge.limit);
        EKTP_RETURN_IF_ERROR(s.audit.record({now_ms, session.username, "alert.read_quota", session.username,
                                             fmt::format("{} of {} reads today", charge.used_today, charge.limit)}));
      }
      return make_error(ErrorCode::kResourceExhausted,
                        fmt::format("daily read quota used up: {} of {} residents read today; it renews at midnight",
                                    charge.used_today, charge.limit));
    }
    if (charge.alert) {
      const auto minutes = s.read_quota->limits().alert_window.count() / 60'000;
      spdlog::warn("bulk read: {} ({}) read {} residents within {} min (alert.bulk_read)", session.username,
                   role_id(session.role), charge.in_window, minutes);
      entries.push_back({now_ms, session.username, "alert.bulk_read", session.username,
                         fmt::format("{} residents within {} min", charge.in_window, minutes)});
    }
  }
  for (const auto& read : reads) {
    entries.push_back({now_ms, session.username, std::string(action), read.nik, std::string(detail)});
  }
  return entries;
}

}  // namespace ektp::api
