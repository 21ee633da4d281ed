#include "daemon/service/metrics_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "daemon/service/listen_address.h"

namespace govd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using Tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kReadTimeout{5};
constexpr std::uint32_t kMaxRequestBytes = 8U << 10U;

}  // namespace

class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(Tcp::socket socket, const MetricsServer::Render& render)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), render_(render) {}

  void Start() {
    parser_.header_limit(kMaxRequestBytes);
    parser_.body_limit(kMaxRequestBytes);
    timer_.expires_after(kReadTimeout);
    timer_.async_wait([self = shared_from_this()](const error_code& error) {
      if (!error) self->Close();
    });
    http::async_read(socket_, buffer_, parser_,
                     [self = shared_from_this()](const error_code& error, std::size_t) { self->OnRead(error); });
  }

  void Close() {
    error_code ignored;  // the peer may be gone already
    timer_.cancel();
    socket_.shutdown(Tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void OnRead(const error_code& error) {
    timer_.cancel();
    if (error) return Close();  // timeout, malformed or oversized: a scraper never sends those
    const auto& request = parser_.get();
    response_.version(11);
    response_.set(http::field::server, "govd");
    response_.keep_alive(false);
    const bool head = request.method() == http::verb::head;
    if (request.method() != http::verb::get && !head) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
      response_.body() = "use GET or HEAD\n";
    } else if (request.target() != "/metrics") {
      response_.result(http::status::not_found);
      response_.body() = "govd serves /metrics only\n";
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response_.body() = render_();
    }
    response_.prepare_payload();
    if (head) response_.body().clear();  // HEAD: GET's headers, Content-Length included, no body
    http::async_write(socket_, response_, [self = shared_from_this()](const error_code&, std::size_t) { self->Close(); });
  }

  Tcp::socket socket_;
  asio::steady_timer timer_;
  const MetricsServer::Render& render_;
  boost::beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Bind(asio::io_context& io, const std::string& address,
                                                           Render render) {
  GOVD_ASSIGN_OR_RETURN(ListenAddress parsed, ParseListenAddress(address, "metrics.address"));
  try {
    Tcp::acceptor acceptor(io, Tcp::endpoint(asio::ip::make_address(parsed.ip), parsed.port));
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(acceptor), std::move(render)));
  } catch (const boost::system::system_error& e) {
    return Unavailable(std::string("cannot listen: ") + e.what(), "metrics.address " + address);
  }
}

void MetricsServer::Start() { Accept(); }

void MetricsServer::Stop() {
  error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
}

std::string MetricsServer::address() const {
  error_code error;
  Tcp::endpoint endpoint = acceptor_.local_endpoint(error);
  if (error) return "";
  std::string ip = endpoint.address().to_string();
  if (endpoint.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(endpoint.port());
}

void MetricsServer::Accept() {
  acceptor_.async_accept([this](const error_code& error, Tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      auto session = std::make_shared<MetricsSession>(std::move(socket), render_);
      sessions_.remove_if([](const std::weak_ptr<MetricsSession>& weak) { return weak.expired(); });
      sessions_.push_back(session);
      session->Start();
    }
    Accept();
  });
}

}  // namespace govd::daemon
