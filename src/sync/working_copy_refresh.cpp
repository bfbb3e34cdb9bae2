#include "sync/working_copy_refresh.h"

#include <string>

#include "sync/birth_items.h"
#include "sync/civil_event_items.h"

namespace ektp::sync {

Status undo_rejected_desk_change(store::Connection& c, std::string_view kind, std::string_view nik,
                                 std::int64_t recorded_at_ms) {
  if (kind != kBirthKind && kind != kDeathKind && kind != kMarriageKind && kind != kDivorceKind) return {};
  // The child of a rejected birth exists only here.
  if (kind == kBirthKind) {
    if (auto gone = c.execute("DELETE FROM persons WHERE nik = $1", {std::string(nik)}); !gone)
      return std::unexpected(gone.error());
  }
  for (const char* sql : {"UPDATE persons SET version = -1 WHERE updated_at_ms >= $1",
                          "UPDATE families SET version = -1 WHERE updated_at_ms >= $1"}) {
    if (auto lowered = c.execute(sql, {recorded_at_ms}); !lowered) return std::unexpected(lowered.error());
  }
  auto reset = c.execute("UPDATE station_identity SET persons_cursor_ms = 0, families_cursor_ms = 0 WHERE id = 1");
  if (!reset) return std::unexpected(reset.error());
  return {};
}

}  // namespace ektp::sync
