// Undoing, in the working copy, a desk event that central rejected. A birth, death, marriage or
// divorce recorded at a station changes the working copy at once, with a version newer than
// central's rows; if central rejects the item (the person had died already, a spouse married
// someone else meanwhile), central's rows would never replace the station's, and the copy would
// disagree with central for good. On the rejected receipt the station hands the rows back to
// central's truth instead: every person and family card changed at the station since the event
// was recorded gets version -1 (so any row central sends wins), a child from a rejected birth,
// whom central does not have, is removed, and both pull cursors go back to 0, so the next pull
// re-reads the district. Events recorded after it and not yet confirmed show central's state
// until central applies them and they come back down.
#pragma once

#include <cstdint>
#include <string_view>

#include "store/database.h"

namespace ektp::sync {

// Inside the caller's write transaction (the one recording the receipt). A no-op for kinds that
// do not change the working copy at the station (enrollment, move_in).
Status undo_rejected_desk_change(store::Connection& c, std::string_view kind, std::string_view nik,
                                 std::int64_t recorded_at_ms);

}  // namespace ektp::sync
