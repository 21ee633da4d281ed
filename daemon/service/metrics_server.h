// daemon/service/metrics_server.h
// The Prometheus scrape endpoint: plain HTTP/1.1 on a TCP address (metrics.address, loopback
// in the example config), answering GET /metrics with Metrics::Render() (HEAD: the same headers,
// no body); 404 for other paths, 405 for other methods. One request per connection, a 5 s
// deadline for reading it, requests over 8 KiB refused: a scraper needs nothing more, and a bad
// client cannot hold the loop.
// Thread safety: not thread safe; runs on the io_context's one thread. It only reads metrics;
// nothing it serves is secret (no bucket names, no credentials).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "base/result.h"

namespace govd::daemon {

class MetricsSession;

class MetricsServer {
 public:
  using Render = std::function<std::string()>;

  // `address` as daemon/service/listen_address.h reads it; port 0 takes a free port.
  static Result<std::unique_ptr<MetricsServer>> Bind(boost::asio::io_context& io, const std::string& address,
                                                     Render render);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void Start();
  void Stop();
  // "127.0.0.1:41234": where it listens, with the port the kernel chose.
  std::string address() const;

 private:
  MetricsServer(boost::asio::ip::tcp::acceptor acceptor, Render render)
      : acceptor_(std::move(acceptor)), render_(std::move(render)) {}
  void Accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  Render render_;
  std::list<std::weak_ptr<MetricsSession>> sessions_;
};

}  // namespace govd::daemon
