// The machine's wall clock for the commands: what they stamp on records and compare validity
// dates with (servers and tests pass a clock of their own instead).
#pragma once

#include <chrono>
#include <cstdint>

namespace ektp::cli {

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
inline std::int64_t wall_seconds() { return wall_ms() / 1000; }

}  // namespace ektp::cli
