// tests/accounts/aws/local_http_server.h
// A tiny HTTP/1.1 server on 127.0.0.1 port 0 for tests: it plays ECS, IMDS, STS or a failing S3
// endpoint. Each connection carries one request (answers "Connection: close"); a handler maps the
// request to a response. Requests are recorded for assertions.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace govd::accounts::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query
  std::string head;    // the request line and headers, as received
  std::string body;
};

struct CannedResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class LocalHttpServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::abort();
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LocalHttpServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      ReceivedRequest request;
      if (Read(connection, request)) {
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
        }
        Write(connection, handler_(request));
      }
      close(connection);
    }
  }

  static bool Read(int connection, ReceivedRequest& request) {
    std::string data;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      ssize_t n = recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<std::size_t>(n));
      head_end = data.find("\r\n\r\n");
    }
    request.head = data.substr(0, head_end);
    request.method = data.substr(0, data.find(' '));
    auto target_start = data.find(' ') + 1;
    request.target = data.substr(target_start, data.find(' ', target_start) - target_start);
    std::size_t length = ContentLength(request.head);
    request.body = data.substr(head_end + 4);
    while (request.body.size() < length) {
      ssize_t n = recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      request.body.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

  static std::size_t ContentLength(const std::string& head) {
    for (std::string name : {"Content-Length: ", "content-length: "}) {
      auto at = head.find(name);
      if (at != std::string::npos) return std::strtoul(head.c_str() + at + name.size(), nullptr, 10);
    }
    return 0;
  }

  static void Write(int connection, const CannedResponse& response) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " X\r\nConnection: close\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
    send(connection, out.data(), out.size(), MSG_NOSIGNAL);
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace govd::accounts::testing
