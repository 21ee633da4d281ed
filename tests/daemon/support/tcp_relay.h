// tests/daemon/support/tcp_relay.h
// A loopback TCP port that plays a server which is down and later comes up: until Open() the port
// is bound but does not listen, so connections to it are refused (as with a stopped PostgreSQL);
// from Open() on, each connection is relayed byte for byte to 127.0.0.1:upstream_port.
// Thread safety: construct, Open() and destroy from one thread; relaying runs on threads of its
// own, all joined by the destructor. Test-only: throws when it cannot bind.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace govd::daemon::testing {

class TcpRelay {
 public:
  explicit TcpRelay(int upstream_port);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  int port() const { return port_; }
  // Starts listening and relaying. Call once.
  void Open();

 private:
  void AcceptLoop();
  void Relay(int client);

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> relays_;  // one per connection; only the accept loop adds to it
};

}  // namespace govd::daemon::testing
