#include "tests/daemon/support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace govd::daemon::testing {
namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";
constexpr int kSliceMs = 100;             // how often a blocked read looks at the stop flag
constexpr int kUpstreamTimeoutMs = 30'000;

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Appends what arrives within `timeout_ms` (in slices, giving up early once `stop` is set).
// False on end of stream, error, timeout or stop.
bool ReadMore(int fd, std::string& buffer, int timeout_ms, const std::atomic<bool>& stop) {
  for (int waited = 0; waited < timeout_ms && !stop; waited += kSliceMs) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    int ready = ::poll(&entry, 1, kSliceMs);
    if (ready < 0) return false;
    if (ready == 0) continue;
    char chunk[16384];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of header `name` (lowercase) in a lowercased head, or nullopt.
std::optional<std::string> HeaderValue(const std::string& head_lower, const std::string& name) {
  auto at = head_lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return std::nullopt;
  auto start = head_lower.find_first_not_of(' ', at + name.size() + 3);
  auto end = head_lower.find("\r\n", start);
  return head_lower.substr(start, end - start);
}

std::size_t ContentLength(const std::string& head_lower) {
  auto value = HeaderValue(head_lower, "content-length");
  return value ? static_cast<std::size_t>(std::strtoull(value->c_str(), nullptr, 10)) : 0;
}

// The length of a complete chunked body starting at `start`, or npos while it is incomplete.
std::size_t ChunkedLength(const std::string& buffer, std::size_t start) {
  std::size_t at = start;
  for (;;) {
    auto line_end = buffer.find("\r\n", at);
    if (line_end == std::string::npos) return std::string::npos;
    std::size_t size = std::strtoull(buffer.c_str() + at, nullptr, 16);
    if (size == 0) {
      auto trailer_end = buffer.find(kHeadEnd, line_end);
      return trailer_end == std::string::npos ? std::string::npos : trailer_end + kHeadEnd.size() - start;
    }
    at = line_end + 2 + size + 2;
    if (at > buffer.size()) return std::string::npos;
  }
}

std::string CannedError(int status, std::string_view reason, std::string_view code) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
                     "</Code><Message>injected by the fault proxy</Message><RequestId>fault-proxy</RequestId></Error>";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: application/xml\r\nx-amz-request-id: fault-proxy\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

int ConnectUpstream(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Makes close() abort the connection with an RST instead of a FIN.
void SetResetOnClose(int fd) {
  linger hard{.l_onoff = 1, .l_linger = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

// Answers nothing until the client gives up (its timeout) or `longest` has passed.
void HoldUntilClosed(int fd, std::chrono::milliseconds longest, const std::atomic<bool>& stop) {
  auto until = std::chrono::steady_clock::now() + longest;
  while (std::chrono::steady_clock::now() < until && !stop) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&entry, 1, kSliceMs) <= 0) continue;
    char ignored[512];
    if (::recv(fd, ignored, sizeof ignored, 0) <= 0) return;
  }
}

// One whole answer from the server (interim 1xx answers dropped): its bytes and status; false when
// the server closed or failed before a whole answer. `keep` turns false when the server will close.
struct Answer {
  std::string bytes;
  int status = 0;
  bool keep = true;
};

bool ReadAnswer(int fd, const std::string& method, Answer& answer, const std::atomic<bool>& stop) {
  std::string buffer;
  for (;;) {
    std::size_t head_end;
    while ((head_end = buffer.find(kHeadEnd)) == std::string::npos) {
      if (!ReadMore(fd, buffer, kUpstreamTimeoutMs, stop)) return false;
    }
    std::string head_lower = Lower(std::string_view(buffer).substr(0, head_end + 2));
    answer.status = std::atoi(buffer.c_str() + 9);
    std::size_t body_start = head_end + kHeadEnd.size();
    if (answer.status >= 100 && answer.status < 200) {  // 100 Continue: the proxy sent its own
      buffer.erase(0, body_start);
      continue;
    }
    answer.keep = HeaderValue(head_lower, "connection") != "close";
    bool no_body = method == "HEAD" || answer.status == 204 || answer.status == 304;
    bool chunked = HeaderValue(head_lower, "transfer-encoding") == "chunked";
    bool until_close = !no_body && !chunked && !HeaderValue(head_lower, "content-length");
    std::size_t length = no_body ? 0 : ContentLength(head_lower);
    for (;;) {
      std::size_t have = buffer.size() - body_start;
      if (chunked) length = ChunkedLength(buffer, body_start);
      if (!until_close && length != std::string::npos && have >= length) break;
      if (!ReadMore(fd, buffer, kUpstreamTimeoutMs, stop)) {
        if (!until_close) return false;
        answer.keep = false;
        break;
      }
    }
    answer.bytes = until_close ? buffer : buffer.substr(0, body_start + length);
    return true;
  }
}

}  // namespace

std::string_view FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone: return "none";
    case Fault::kInternalError: return "500 InternalError";
    case Fault::kSlowDown: return "503 SlowDown";
    case Fault::kThrottling400: return "400 Throttling";
    case Fault::kThrottling503: return "503 ServiceUnavailable";
    case Fault::kReset: return "connection reset";
    case Fault::kStall: return "stall";
    case Fault::kTruncate: return "truncated answer";
  }
  return "?";
}

FaultProxy::FaultProxy(FaultProxyOptions options) : options_(std::move(options)), random_(options_.seed) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(listener_);
    throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& thread : threads) thread.join();
  ::close(listener_);
}

std::vector<ProxiedRequest> FaultProxy::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FaultProxy::set_rate(double rate) {
  std::lock_guard lock(mutex_);
  options_.rate = rate;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd entry{.fd = listener_, .events = POLLIN, .revents = 0};
    if (::poll(&entry, 1, kSliceMs) <= 0) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    clients_.insert(client);
    threads_.emplace_back([this, client] { Serve(client); });
  }
}

// One client connection, kept alive as long as the client and the faults allow.
void FaultProxy::Serve(int client) {
  std::string buffer;
  int upstream = -1;
  Request request;
  bool open = true;
  while (open && ReadRequest(client, buffer, request)) {
    Fault fault = Choose(request);
    std::size_t index = Record(request, fault);
    open = fault == Fault::kNone || fault == Fault::kTruncate ? Forward(client, request, upstream, fault, index)
                                                               : Inject(client, fault);
  }
  if (upstream >= 0) ::close(upstream);
  std::lock_guard lock(mutex_);  // the destructor shuts down only sockets still listed
  clients_.erase(client);
  ::close(client);
}

bool FaultProxy::ReadRequest(int client, std::string& buffer, Request& request) {
  std::size_t head_end;
  while ((head_end = buffer.find(kHeadEnd)) == std::string::npos) {
    if (!ReadMore(client, buffer, 24 * 3600 * 1000, stopping_)) return false;
  }
  std::size_t body_start = head_end + kHeadEnd.size();
  request.head_lower = Lower(std::string_view(buffer).substr(0, head_end + 2));
  if (HeaderValue(request.head_lower, "expect") == "100-continue" &&
      !WriteAll(client, "HTTP/1.1 100 Continue\r\n\r\n")) {
    return false;
  }
  std::size_t length = ContentLength(request.head_lower);
  while (buffer.size() < body_start + length) {
    if (!ReadMore(client, buffer, kUpstreamTimeoutMs, stopping_)) return false;
  }
  request.arrived = std::chrono::steady_clock::now();
  request.bytes = buffer.substr(0, body_start + length);
  buffer.erase(0, body_start + length);
  auto space = request.bytes.find(' ');
  auto target_end = request.bytes.find(' ', space + 1);
  request.method = request.bytes.substr(0, space);
  std::string target = request.bytes.substr(space + 1, target_end - space - 1);
  request.path = target.substr(0, target.find('?'));
  return true;
}

Fault FaultProxy::Choose(const Request& request) {
  std::lock_guard lock(mutex_);
  bool always = std::any_of(options_.always_fail.begin(), options_.always_fail.end(), [&](const std::string& bucket) {
    return request.path == "/" + bucket || request.path.starts_with("/" + bucket + "/");
  });
  double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  if (!always && (draw >= options_.rate || options_.kinds.empty())) return Fault::kNone;
  // A bucket that always fails never gets a truncated answer: that one reaches the server.
  std::vector<Fault> kinds;
  for (Fault kind : options_.kinds) {
    if (!always || kind != Fault::kTruncate) kinds.push_back(kind);
  }
  if (kinds.empty()) return Fault::kSlowDown;
  return kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(random_)];
}

// Answers with the fault instead of the server; false when the connection is gone.
bool FaultProxy::Inject(int client, Fault fault) {
  switch (fault) {
    case Fault::kInternalError:
      return WriteAll(client, CannedError(500, "Internal Server Error", "InternalError"));
    case Fault::kSlowDown:
      return WriteAll(client, CannedError(503, "Slow Down", "SlowDown"));
    case Fault::kThrottling400:
      return WriteAll(client, CannedError(400, "Bad Request", "Throttling"));
    case Fault::kThrottling503:
      return WriteAll(client, CannedError(503, "Service Unavailable", "ServiceUnavailable"));
    case Fault::kStall:
      HoldUntilClosed(client, options_.stall, stopping_);
      return false;
    default:  // kReset: Serve closes the socket, which sends the RST
      SetResetOnClose(client);
      return false;
  }
}

// Sends the request to the server as received and relays its answer (cut short for kTruncate).
// A kept-alive server connection that turns out closed is reopened once, before any answer byte.
bool FaultProxy::Forward(int client, const Request& request, int& upstream, Fault fault, std::size_t index) {
  if (options_.observer && options_.observer(Recorded(index, 0, {}), ForwardPhase::kBeforeServer)) {
    SetResetOnClose(client);
    return false;
  }
  Answer answer;
  bool answered = false;
  for (int attempt = 0; attempt < 2 && !answered; ++attempt) {
    if (upstream < 0) upstream = ConnectUpstream(options_.upstream_port);
    if (upstream < 0) break;
    answered = WriteAll(upstream, request.bytes) && ReadAnswer(upstream, request.method, answer, stopping_);
    if (!answered) {
      ::close(upstream);
      upstream = -1;
    }
  }
  if (!answered) {
    SetResetOnClose(client);
    return false;
  }
  ProxiedRequest answered_request = Recorded(
      index, answer.status,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - request.arrived));
  if (options_.observer && options_.observer(answered_request, ForwardPhase::kAfterServer)) {
    SetResetOnClose(client);
    return false;
  }
  if (!answer.keep) {
    ::close(upstream);
    upstream = -1;
  }
  if (fault == Fault::kTruncate) {
    std::size_t body_start = answer.bytes.find(kHeadEnd) + kHeadEnd.size();
    std::size_t cut = answer.bytes.size() > body_start ? body_start + (answer.bytes.size() - body_start) / 2
                                                       : body_start / 2;
    WriteAll(client, std::string_view(answer.bytes).substr(0, cut));
    ::shutdown(client, SHUT_RDWR);
    return false;
  }
  return WriteAll(client, answer.bytes) && answer.keep;
}

std::size_t FaultProxy::Record(const Request& request, Fault fault) {
  ProxiedRequest record{request.method, request.path, 0, 0, fault, 0};
  if (auto header = HeaderValue(request.head_lower, "amz-sdk-request")) {
    std::sscanf(header->c_str(), "attempt=%d; max=%d", &record.attempt, &record.max_attempts);
  }
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(record));
  return requests_.size() - 1;
}

// Sets the server's status and time of a recorded request (when known) and returns a copy of it.
ProxiedRequest FaultProxy::Recorded(std::size_t index, int status, std::chrono::milliseconds took) {
  std::lock_guard lock(mutex_);
  if (status != 0) {
    requests_[index].status = status;
    requests_[index].took = took;
  }
  return requests_[index];
}

}  // namespace govd::daemon::testing
