// Runs independent pieces of CPU work on several threads: fn(k) for every k in [0, n), handed
// out one at a time so uneven pieces balance, on up to `threads` threads (the caller's among
// them). Returns when every piece is done. No I/O here; each fn(k) must touch only its own k.
// Thread-safety: fn is called concurrently from the threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ektp {

// std::thread::hardware_concurrency(), at least 1.
inline std::size_t hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class Fn>
void parallel_for(std::size_t n, std::size_t threads, Fn&& fn) {
  threads = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(n, 1));
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    for (std::size_t k = next++; k < n; k = next++) fn(k);
  };
  std::vector<std::jthread> pool;  // joined on destruction
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
}

}  // namespace ektp
