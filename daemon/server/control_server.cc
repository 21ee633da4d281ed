#include "daemon/server/control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
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

// Lines about refused connections and failed accepts: at most one of each per this interval.
constexpr std::chrono::seconds kLogEvery{10};

// Accept failures back off from 10 ms to 1 s (jittered); the token bucket never binds here.
constexpr RateLimiterOptions kAcceptBackoff{{std::chrono::milliseconds(10), std::chrono::seconds(1)}, 1000.0, 1000};

// Sent, without waiting, to a connection over the caps before it is closed.
std::string RefusalAnswer() {
  std::string body =
      R"({"error":{"code":"unavailable","message":"too many open control connections; retry later"}})";
  return "HTTP/1.1 503 Service Unavailable\r\nServer: govd\r\nContent-Type: application/json\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sets the process umask for its lifetime (only while govd is still single-threaded).
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskScope() { ::umask(previous_); }
  UmaskScope(const UmaskScope&) = delete;
  UmaskScope& operator=(const UmaskScope&) = delete;

 private:
  mode_t previous_;
};

// True when the last line about this kind of event was written at least kLogEvery ago (or never).
bool DueForLog(std::optional<SteadyTime>& logged_at, SteadyTime now) {
  if (logged_at && now - *logged_at < kLogEvery) return false;
  logged_at = now;
  return true;
}

}  // namespace

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  // REQUIRES: `counter` admitted peer.uid for this session; the session releases it when it ends.
  ControlSession(Socket socket, PeerCredentials peer, const ApiDispatcher& dispatcher, Logger& logger,
                 ControlLimits limits, std::shared_ptr<ConnectionCounter> counter)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        peer_(std::move(peer)),
        dispatcher_(dispatcher),
        logger_(logger),
        limits_(limits),
        counter_(std::move(counter)) {}
  ~ControlSession() { counter_->Release(peer_.uid); }
  ControlSession(const ControlSession&) = delete;
  ControlSession& operator=(const ControlSession&) = delete;

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
  std::shared_ptr<ConnectionCounter> counter_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool timed_out_ = false;
};

ControlServer::ControlServer(Acceptor acceptor, const ApiDispatcher& dispatcher, Logger& logger,
                             ControlLimits limits, ConnectionCaps caps)
    : acceptor_(std::move(acceptor)),
      dispatcher_(dispatcher),
      logger_(logger),
      limits_(limits),
      counter_(std::make_shared<ConnectionCounter>(caps, ::geteuid())),
      accept_backoff_(kAcceptBackoff, SystemTime(), SystemRandom()),
      accept_retry_(acceptor_.get_executor()) {}

void ControlServer::Start() { Accept(); }

void ControlServer::Stop() {
  error_code ignored;
  accept_retry_.cancel();
  acceptor_.close(ignored);
  for (auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
}

void ControlServer::Accept() {
  acceptor_.async_accept([this](const error_code& error, Socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) return AcceptAfterFailure(error);
    accept_backoff_.Forget("accept");
    OnAccepted(std::move(socket));
    Accept();
  });
}

// Out of descriptors (EMFILE, ENFILE) or another failure: accepting again at once would fail the
// same way, in a loop that writes a log line each time. Wait, a little longer each time.
void ControlServer::AcceptAfterFailure(const error_code& error) {
  ++accept_failures_;
  auto delay = accept_backoff_.When("accept");
  if (DueForLog(failure_logged_at_, SystemTime().Steady())) {
    logger_.Log(LogLevel::kWarning,
                "control socket accept failed: " + error.message() + " (" + std::to_string(accept_failures_) +
                    " failures since the last report, " + std::to_string(counter_->open()) +
                    " connections open); next try in " + std::to_string(delay.count()) + " ms");
    accept_failures_ = 0;
  }
  accept_retry_.expires_after(delay);
  accept_retry_.async_wait([this](const error_code& waited) {
    if (!waited && acceptor_.is_open()) Accept();
  });
}

void ControlServer::OnAccepted(Socket socket) {
  auto peer = ReadPeerCredentials(socket.native_handle());
  if (!peer) {
    logger_.Log(LogLevel::kWarning, peer.error().ToString());
    return;
  }
  if (!counter_->TryAdmit(peer->uid)) return Refuse(socket, peer->uid);
  auto session =
      std::make_shared<ControlSession>(std::move(socket), *peer, dispatcher_, logger_, limits_, counter_);
  sessions_.remove_if([](const std::weak_ptr<ControlSession>& weak) { return weak.expired(); });
  sessions_.push_back(session);
  session->Start();
}

void ControlServer::Refuse(Socket& socket, uid_t uid) {
  // Best effort and never blocking: a client that does not read its 503 just sees the close.
  std::string answer = RefusalAnswer();
  [[maybe_unused]] ssize_t sent =
      ::send(socket.native_handle(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  error_code ignored;
  socket.close(ignored);
  ++refused_;
  if (!DueForLog(refusal_logged_at_, SystemTime().Steady())) return;
  const ConnectionCaps& caps = counter_->caps();
  logger_.Log(LogLevel::kWarning,
              "control connections refused: " + std::to_string(refused_) +
                  " since the last report, the latest from uid " + std::to_string(uid) + " (" +
                  std::to_string(counter_->open()) + " open; caps " + std::to_string(caps.per_uid) +
                  " per uid, " + std::to_string(caps.total) + " in all)",
              {{"PEER_UID", std::to_string(uid)}});
  refused_ = 0;
}

namespace {

// Whether a process answers on the unix socket at `path`: its pid (from SO_PEERCRED) when one
// does, nullopt when nobody listens (a stale socket file); an error when that cannot be told.
Result<std::optional<pid_t>> SocketOwner(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return InvalidArgument("socket path too long", path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unavailable(std::string("cannot create a socket: ") + std::strerror(errno), path);
  int connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  int why = errno;
  std::optional<pid_t> owner;
  if (connected == 0) {
    ucred peer{};
    socklen_t length = sizeof peer;
    owner = ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 ? peer.pid : 0;
  }
  ::close(fd);
  if (connected == 0) return owner;
  if (why == ECONNREFUSED || why == ENOENT) return std::optional<pid_t>();
  return FailedPrecondition(std::string("cannot tell whether another process listens on it: ") +
                                std::strerror(why) + "; refusing to replace it",
                            path);
}

// Takes the place of a socket file nobody answers on; refuses one somebody does.
Status ClearStaleSocket(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return {};
  if (!S_ISSOCK(info.st_mode))
    return FailedPrecondition("exists and is not a socket; refusing to replace it", path);
  GOVD_ASSIGN_OR_RETURN(std::optional<pid_t> owner, SocketOwner(path));
  if (owner) {
    return FailedPrecondition(
        "another daemon (pid " + std::to_string(*owner) +
            ") is listening on this control socket; stop it first or set another control.socket",
        path);
  }
  ::unlink(path.c_str());  // a stale socket from an earlier run
  return {};
}

}  // namespace

Result<ControlServer::Acceptor> BindControlSocket(asio::io_context& io, const std::string& path,
                                                  std::optional<gid_t> group) {
  GOVD_TRY(ClearStaleSocket(path));
  try {
    std::optional<ControlServer::Acceptor> acceptor;
    {
      UmaskScope owner_only(0177);  // created 0600: nobody else connects before group and mode are set
      acceptor.emplace(io, asio::local::stream_protocol::endpoint(path));
    }
    if (group && ::chown(path.c_str(), static_cast<uid_t>(-1), *group) != 0) {
      return FailedPrecondition("cannot give the control socket to group " + std::to_string(*group) + ": " +
                                    std::strerror(errno) + " (control.socket-group)",
                                path);
    }
    if (::chmod(path.c_str(), 0660) != 0) return Internal("cannot chmod the control socket", path);
    return std::move(*acceptor);
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
