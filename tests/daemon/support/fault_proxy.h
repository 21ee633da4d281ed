// tests/daemon/support/fault_proxy.h
// A loopback HTTP/1.1 proxy for fault-injection tests, placed between govd (its S3 endpoint
// override points here) and the S3 server. Per request it either forwards the request and the
// answer byte for byte (the Host header and so the SigV4 signature stay valid) or injects a fault:
// HTTP 500 InternalError, 503 SlowDown, 400 and 503 throttling answers with S3's XML, a connection
// reset, a stall past the client's timeout, or a truncated answer (the request reached the server,
// the answer is cut off). Faults are drawn from a seeded generator at a configured rate, so a run
// is repeatable; requests whose path names an `always_fail` bucket fail every time. Every request
// is recorded on arrival, in order, with the SDK attempt header (`amz-sdk-request: attempt=N; max=M`), so that retries
// can be counted here, on the wire.
// Thread safety: the public members may be called from any thread. Test-only: throws when it
// cannot listen. Never records header values other than the attempt header (no signatures).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace govd::daemon::testing {

enum class Fault { kNone, kInternalError, kSlowDown, kThrottling400, kThrottling503, kReset, kStall, kTruncate };

std::string_view FaultName(Fault fault);

struct ProxiedRequest;

// Where a forwarded request is when the observer sees it: not yet sent to the server, or answered
// by it but not yet relayed to the client.
enum class ForwardPhase { kBeforeServer, kAfterServer };

struct FaultProxyOptions {
  int upstream_port = 0;  // the S3 server on 127.0.0.1
  double rate = 0.3;      // share of requests that get a fault
  std::uint64_t seed = 1;
  std::vector<Fault> kinds{Fault::kInternalError, Fault::kSlowDown, Fault::kThrottling400, Fault::kThrottling503,
                           Fault::kReset,         Fault::kStall,    Fault::kTruncate};
  std::vector<std::string> always_fail;  // bucket names: every request on them gets a fault
  std::chrono::milliseconds stall{6000};  // a stalled request is held this long, or until the client gives up
  // Called on the connection's thread for every forwarded request, at both phases; returning
  // true cuts the connection there (crash tests kill the daemon from here: a write that never
  // reaches the server, or one the server applied but whose answer is lost).
  std::function<bool(const ProxiedRequest&, ForwardPhase)> observer;
};

struct ProxiedRequest {
  std::string method;
  std::string path;       // without the query
  int attempt = 0;        // from amz-sdk-request; 0 when absent
  int max_attempts = 0;
  Fault fault = Fault::kNone;
  int status = 0;         // the server's status when forwarded, else 0 (also while in flight)
  std::chrono::milliseconds took{0};  // from arrival until the server's answer was complete
};

class FaultProxy {
 public:
  explicit FaultProxy(FaultProxyOptions options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<ProxiedRequest> Requests() const;
  void set_rate(double rate);

 private:
  struct Request {
    std::string bytes;  // head and body, exactly as received
    std::string method, path, head_lower;
    std::chrono::steady_clock::time_point arrived;
  };
  void AcceptLoop();
  void Serve(int client);
  bool ReadRequest(int client, std::string& buffer, Request& request);
  Fault Choose(const Request& request);
  bool Inject(int client, Fault fault);
  bool Forward(int client, const Request& request, int& upstream, Fault fault, std::size_t index);
  std::size_t Record(const Request& request, Fault fault);
  ProxiedRequest Recorded(std::size_t index, int status, std::chrono::milliseconds took);

  FaultProxyOptions options_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::mt19937_64 random_;                 // guarded by mutex_
  std::vector<ProxiedRequest> requests_;   // guarded by mutex_
  std::set<int> clients_;                  // guarded by mutex_: open client sockets, shut down on stop
  std::vector<std::thread> threads_;       // guarded by mutex_
  std::thread acceptor_;
};

}  // namespace govd::daemon::testing
