// daemon/server/control_server.h
// The control API's transport: HTTP/1.1 on a unix stream socket (Boost.Beast), one session per
// connection, keep-alive. Each connection's peer credentials come from SO_PEERCRED at accept and
// go with every request to the ApiDispatcher. Limits protect the loop from bad clients: header and
// body size (431 / 413), and a deadline for reading each whole request (408; stops slowloris
// clients that trickle bytes). Malformed HTTP gets 400 and the connection is closed. Connections
// beyond the caps (connection_caps.h: in all, and per uid) get a 503 and are closed at once; the
// refusals are logged once per interval, not once each. When accept fails (no descriptors left:
// EMFILE, ENFILE) the loop waits, with the reconciler's jittered backoff, before accepting again
// instead of spinning.
// Thread safety: not thread safe; everything runs on the io_context's one thread.
// Never logs request bodies; never logs more than one line per interval about refused connections.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "daemon/reconcile/rate_limiter.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/server/connection_caps.h"
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

  // `caps` bound the open connections; root and the daemon's own uid are exempt from caps.total.
  ControlServer(Acceptor acceptor, const ApiDispatcher& dispatcher, Logger& logger, ControlLimits limits,
                ConnectionCaps caps);
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
  void OnAccepted(boost::asio::local::stream_protocol::socket socket);
  void AcceptAfterFailure(const boost::system::error_code& error);
  void Refuse(boost::asio::local::stream_protocol::socket& socket, uid_t uid);

  Acceptor acceptor_;
  const ApiDispatcher& dispatcher_;
  Logger& logger_;
  ControlLimits limits_;
  std::shared_ptr<ConnectionCounter> counter_;  // shared with the sessions, which release their slot
  std::list<std::weak_ptr<ControlSession>> sessions_;
  RetryRateLimiter accept_backoff_;  // accept failures in a row (no descriptors left)
  boost::asio::steady_timer accept_retry_;
  // Refused connections and failed accepts since the last line about them; one line per kLogEvery.
  std::size_t refused_ = 0;
  std::size_t accept_failures_ = 0;
  std::optional<SteadyTime> refusal_logged_at_;
  std::optional<SteadyTime> failure_logged_at_;
};

// Binds a fresh listening unix socket at `path`, mode 0660, owned by `group` when given (else by
// the daemon's own group), as govd@.socket does (root:govctl 0660): only the owner and the
// group's members may connect; the control API then decides per request from peer credentials.
// A stale socket file (nobody answers on it) is replaced; a socket another process still answers
// on (a running govd) is refused, naming that process, and left alone.
Result<ControlServer::Acceptor> BindControlSocket(boost::asio::io_context& io, const std::string& path,
                                                  std::optional<gid_t> group);

// Adopts a listening socket passed by systemd socket activation (sd_listen_fds), if there is one.
Result<std::optional<ControlServer::Acceptor>> AdoptActivatedSocket(boost::asio::io_context& io);

}  // namespace govd::daemon
