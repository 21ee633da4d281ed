// daemon/server/control_server.h
// The control API's transport: HTTP/1.1 on a unix stream socket (Boost.Beast), one session per
// connection, keep-alive. Each connection's peer credentials come from SO_PEERCRED at accept and
// go with every request to the ApiDispatcher. Limits protect the loop from bad clients: header and
// body size (431 / 413), and a deadline for reading each whole request (408; stops slowloris
// clients that trickle bytes). Malformed HTTP gets 400 and the connection is closed.
// Thread safety: not thread safe; everything runs on the io_context's one thread.
// Never logs request bodies.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <string>

#include "base/result.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/service/logger.h"

namespace govd::daemon {

struct ControlLimits {
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::size_t max_body_bytes = 1U << 20U;
  std::size_t max_header_bytes = 8U << 10U;
};

class ControlSession;

class ControlServer {
 public:
  using Acceptor = boost::asio::local::stream_protocol::acceptor;

  ControlServer(Acceptor acceptor, const ApiDispatcher& dispatcher, Logger& logger, ControlLimits limits);
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  void Start();
  // Closes the listening socket and every open connection. Synchronous handlers (every endpoint
  // that changes something) have already run, so no accepted change is lost; the answer of an
  // asynchronous read (plan, simulate) still on its worker is dropped.
  void Stop();
  // Applies to connections accepted from now on (SIGHUP).
  void set_limits(ControlLimits limits) { limits_ = limits; }

 private:
  void Accept();

  Acceptor acceptor_;
  const ApiDispatcher& dispatcher_;
  Logger& logger_;
  ControlLimits limits_;
  std::list<std::weak_ptr<ControlSession>> sessions_;
};

// Binds a fresh listening unix socket at `path` (replacing a stale socket file), mode 0666:
// access is decided per request from peer credentials, not by file permissions.
Result<ControlServer::Acceptor> BindControlSocket(boost::asio::io_context& io, const std::string& path);

// Adopts a listening socket passed by systemd socket activation (sd_listen_fds), if there is one.
Result<std::optional<ControlServer::Acceptor>> AdoptActivatedSocket(boost::asio::io_context& io);

}  // namespace govd::daemon
