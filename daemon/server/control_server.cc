#include "daemon/server/control_server.h"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "daemon/server/peer_credentials.h"

namespace govd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Socket = asio::local::stream_protocol::socket;
using boost::system::error_code;

namespace {

std::string_view View(boost::beast::string_view text) { return {text.data(), text.size()}; }

// The answer for a request that could not be read, chosen by why reading stopped.
ApiResponse ReadFailureResponse(const error_code& error, bool timed_out) {
  ApiResponse response;
  if (timed_out) {
    response = ErrorResponse(Error(ErrorCode::kDeadlineExceeded, "the request was not received in time", "request"));
  } else if (error == http::error::body_limit) {
    response = ErrorResponse(Error(ErrorCode::kResourceExhausted, "request body too large", "body"));
  } else if (error == http::error::header_limit) {
    response = ErrorResponse(Error(ErrorCode::kResourceExhausted, "request header block too large", "header"));
    response.status = 431;
  } else {
    response = ErrorResponse(InvalidArgument("malformed HTTP request: " + error.message(), "request"));
  }
  return response;
}

bool IsPeerGone(const error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset;
}

}  // namespace

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(Socket socket, PeerCredentials peer, const ApiDispatcher& dispatcher, Logger& logger,
                 ControlLimits limits)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        peer_(peer),
        dispatcher_(dispatcher),
        logger_(logger),
        limits_(limits) {}

  void Start() { ReadRequest(); }

  void Close() {
    error_code ignored;  // closing a socket the peer already dropped is not an error to report
    timer_.cancel();
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void ArmDeadline() {
    timed_out_ = false;
    timer_.expires_after(limits_.read_timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& error) {
      if (error) return;
      self->timed_out_ = true;
      error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    ArmDeadline();
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& error, std::size_t) { self->OnRead(error); });
  }

  void OnRead(const error_code& error) {
    timer_.cancel();
    if (!timed_out_ && IsPeerGone(error)) return Close();
    if (!timed_out_ && error == asio::error::operation_aborted) return Close();  // Stop()
    if (error || timed_out_) {
      logger_.Log(LogLevel::kNotice, "control request rejected: " + (timed_out_ ? "timeout" : error.message()),
                  {{"PEER_UID", std::to_string(peer_.uid)}});
      return Reply(ReadFailureResponse(error, timed_out_), false);
    }
    const auto& request = parser_->get();
    // The parser (and so the request) lives until the answer is written: the next read starts then.
    dispatcher_.Dispatch(peer_, View(request.method_string()), View(request.target()), View(request.body()),
                         [self = shared_from_this()](const ApiResponse& response) { self->Answer(response); });
  }

  void Answer(const ApiResponse& response) {
    const auto& request = parser_->get();
    LogRequest(request.method_string(), request.target(), response.status);
    Reply(response, request.keep_alive());
  }

  void LogRequest(boost::beast::string_view method, boost::beast::string_view target, int status) {
    LogLevel level = status == 403 ? LogLevel::kNotice : LogLevel::kDebug;
    std::string path = QuotableText(View(target.substr(0, target.find('?'))));
    logger_.Log(level, "control " + std::string(View(method)) + " " + path + " -> " + std::to_string(status),
                {{"PEER_UID", std::to_string(peer_.uid)}, {"PEER_PID", std::to_string(peer_.pid)}});
  }

  void Reply(const ApiResponse& answer, bool keep_alive) {
    response_.emplace(static_cast<http::status>(answer.status), 11);
    response_->set(http::field::server, "govd");
    response_->set(http::field::content_type, "application/json");
    if (!answer.allow.empty()) response_->set(http::field::allow, answer.allow);
    response_->body() = WriteJson(answer.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    ArmDeadline();  // a client that does not read its answer must not hold the session forever
    http::async_write(socket_, *response_, [self = shared_from_this(), keep_alive](const error_code& error, std::size_t) {
      self->timer_.cancel();
      if (error || !keep_alive || self->timed_out_) return self->Close();
      self->ReadRequest();
    });
  }

  Socket socket_;
  asio::steady_timer timer_;
  PeerCredentials peer_;
  const ApiDispatcher& dispatcher_;
  Logger& logger_;
  ControlLimits limits_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool timed_out_ = false;
};

ControlServer::ControlServer(Acceptor acceptor, const ApiDispatcher& dispatcher, Logger& logger, ControlLimits limits)
    : acceptor_(std::move(acceptor)), dispatcher_(dispatcher), logger_(logger), limits_(limits) {}

void ControlServer::Start() { Accept(); }

void ControlServer::Stop() {
  error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
}

void ControlServer::Accept() {
  acceptor_.async_accept([this](const error_code& error, Socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      logger_.Log(LogLevel::kWarning, "control socket accept failed: " + error.message());
    } else if (auto peer = ReadPeerCredentials(socket.native_handle()); !peer) {
      logger_.Log(LogLevel::kWarning, peer.error().ToString());
    } else {
      auto session = std::make_shared<ControlSession>(std::move(socket), *peer, dispatcher_, logger_, limits_);
      sessions_.remove_if([](const std::weak_ptr<ControlSession>& weak) { return weak.expired(); });
      sessions_.push_back(session);
      session->Start();
    }
    Accept();
  });
}

Result<ControlServer::Acceptor> BindControlSocket(asio::io_context& io, const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) return FailedPrecondition("exists and is not a socket; refusing to replace it", path);
    ::unlink(path.c_str());  // a stale socket from an earlier run
  }
  try {
    ControlServer::Acceptor acceptor(io, asio::local::stream_protocol::endpoint(path));
    if (::chmod(path.c_str(), 0666) != 0) return Internal("cannot chmod the control socket", path);
    return acceptor;
  } catch (const boost::system::system_error& e) {
    return Unavailable(std::string("cannot listen: ") + e.what(), path);
  }
}

Result<std::optional<ControlServer::Acceptor>> AdoptActivatedSocket(asio::io_context& io) {
  int count = sd_listen_fds(1);
  if (count <= 0) return std::optional<ControlServer::Acceptor>();
  if (count > 1) return FailedPrecondition("systemd passed " + std::to_string(count) + " sockets; govd takes one", "LISTEN_FDS");
  int fd = SD_LISTEN_FDS_START;
  if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) {
    return FailedPrecondition("the activated socket is not a listening unix stream socket", "LISTEN_FDS");
  }
  return std::optional<ControlServer::Acceptor>(ControlServer::Acceptor(io, asio::local::stream_protocol(), fd));
}

}  // namespace govd::daemon
