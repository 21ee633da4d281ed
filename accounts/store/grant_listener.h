// accounts/store/grant_listener.h
// Wakes a reconciler when a grant changes: LISTEN on the channel the grants table's trigger
// notifies on commit ("govd_grants", payload "<tenant> <grant id> <state>").
// Thread safety: one thread at a time (own connection). Payloads name tenants and grant ids,
// never grant contents, since any database role may LISTEN to any channel.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "accounts/store/grant.h"
#include "base/result.h"

namespace govd::accounts {

inline constexpr const char* kGrantChannel = "govd_grants";

struct GrantChange {
  std::string tenant;
  std::int64_t grant_id = 0;
  GrantState state = GrantState::kRequested;
};

class GrantListener {
 public:
  // Opens its own connection and starts listening before returning: changes committed after
  // Open() returns are never missed.
  static Result<std::unique_ptr<GrantListener>> Open(const std::string& conninfo);
  ~GrantListener();
  GrantListener(const GrantListener&) = delete;
  GrantListener& operator=(const GrantListener&) = delete;

  // The next change, waiting up to `timeout`; nullopt when none came in time.
  Result<std::optional<GrantChange>> Wait(std::chrono::milliseconds timeout);

  struct Impl;

 private:
  explicit GrantListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace govd::accounts
