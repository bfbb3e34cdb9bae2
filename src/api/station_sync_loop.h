// The station's background sender: uploads the outbox whenever there is something to send,
// pulls the working copy now and then, renews serial leases before they run low or expire, and
// backs off (1 s doubling to 60 s) while central cannot be reached. wake() after a new record
// sends it at once. Thread-safe: start/stop/wake/state from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/database.h"
#include "sync/station_identity.h"

namespace ektp::api {

struct StationLinkState {
  bool online = false;               // the last exchange with central worked
  std::int64_t last_contact_ms = 0;  // last successful exchange (station clock)
  std::int64_t last_pull_ms = 0;
  std::string last_error;
  std::int64_t next_try_ms = 0;
};

class StationSyncLoop {
 public:
  StationSyncLoop(store::Database& db, sync::StationIdentity identity,
                  std::chrono::milliseconds pull_every = std::chrono::seconds(30));
  ~StationSyncLoop();
  void start();
  void stop();
  void wake();
  StationLinkState state() const;

 private:
  void run();
  bool round();  // true when central answered

  store::Database& db_;
  sync::StationIdentity identity_;
  std::chrono::milliseconds pull_every_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  StationLinkState state_;
  std::thread thread_;
};

}  // namespace ektp::api
