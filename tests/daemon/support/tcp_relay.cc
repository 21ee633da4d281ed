#include "tests/daemon/support/tcp_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace govd::daemon::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Copies what is readable on `from` to `to`; false at EOF or an error.
bool Pump(int from, int to) {
  char buffer[16384];
  ssize_t n = read(from, buffer, sizeof buffer);
  if (n <= 0) return false;
  for (ssize_t sent = 0; sent < n;) {
    ssize_t wrote = send(to, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
    if (wrote <= 0) return false;
    sent += wrote;
  }
  return true;
}

}  // namespace

TcpRelay::TcpRelay(int upstream_port) : upstream_port_(upstream_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("TcpRelay: cannot bind a loopback port");
  }
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

TcpRelay::~TcpRelay() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& relay : relays_) relay.join();
  close(listener_);
}

void TcpRelay::Open() {
  if (listen(listener_, 64) != 0) throw std::runtime_error("TcpRelay: cannot listen");
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

void TcpRelay::AcceptLoop() {
  while (!stop_) {
    pollfd entry{.fd = listener_, .events = POLLIN, .revents = 0};
    if (poll(&entry, 1, 100) <= 0) continue;
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    relays_.emplace_back([this, client] { Relay(client); });
  }
}

void TcpRelay::Relay(int client) {
  int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(upstream_port_);
  if (upstream >= 0 && connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    pollfd both[2] = {{.fd = client, .events = POLLIN, .revents = 0},
                      {.fd = upstream, .events = POLLIN, .revents = 0}};
    while (!stop_) {
      if (poll(both, 2, 100) <= 0) continue;
      if ((both[0].revents != 0 && !Pump(client, upstream)) ||
          (both[1].revents != 0 && !Pump(upstream, client)))
        break;
    }
  }
  if (upstream >= 0) close(upstream);
  close(client);
}

}  // namespace govd::daemon::testing
