// accounts/aws/curl_transport.h
// HttpTransport on libcurl's easy interface, with a pool of idle handles per endpoint (scheme,
// host and port) so that connections are kept alive and reused, TLS peer and host verification
// always on, connect/read/total timeouts, and a limit on in-memory response bodies.
// Thread safety: Send() may be called from many threads at once; each call takes a handle out of
// the pool for the duration of the request. Send() blocks the calling thread: the daemon runs AWS
// calls on its bounded worker pool, never on the Boost.Asio event-loop thread.
// Never logs; error messages name the method, host and path, never headers, query or body.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "accounts/aws/http_transport.h"

namespace govd::accounts {

struct CurlTransportOptions {
  // PEM file of trusted CA certificates; empty means the system default bundle. There is no
  // option to turn verification off.
  std::string ca_bundle;
  std::chrono::milliseconds connect_timeout{5'000};
  // A transfer that receives nothing for this long is aborted (kDeadlineExceeded).
  std::chrono::seconds read_timeout{30};
  // Hard limit for a whole request, including a streamed download.
  std::chrono::milliseconds total_timeout{300'000};
  // Bodies kept in memory (policies, XML and JSON answers) larger than this fail with
  // kResourceExhausted. Downloads to HttpRequest::body_file use max_file_bytes instead.
  std::size_t max_response_bytes = std::size_t{8} << 20;
  std::size_t max_file_bytes = std::size_t{5} << 30;
  // Idle handles (and so live connections) kept per endpoint.
  std::size_t max_idle_per_endpoint = 16;
  // False opens a fresh connection for every request; only for measuring what reuse saves.
  bool reuse_connections = true;
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  void* Acquire(const std::string& endpoint);
  void Release(const std::string& endpoint, void* handle);

  CurlTransportOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::vector<void*>> idle_;  // guarded by mutex_; CURL* per endpoint
};

}  // namespace govd::accounts
