// accounts/store/grant_listener.cc: LISTEN govd_grants through a libpqxx notification receiver.
#include "accounts/store/grant_listener.h"

#include <charconv>
#include <deque>
#include <utility>

#include <pqxx/pqxx>

#include "accounts/store/pg.h"

namespace govd::accounts {
namespace {

Result<GrantChange> ParsePayload(const std::string& payload) {
  std::size_t a = payload.find(' ');
  std::size_t b = a == std::string::npos ? a : payload.find(' ', a + 1);
  GrantChange change;
  if (b == std::string::npos) {
    return Internal("malformed " + std::string(kGrantChannel) + " payload \"" + payload + "\"");
  }
  change.tenant = payload.substr(0, a);
  auto [end, ec] = std::from_chars(payload.data() + a + 1, payload.data() + b, change.grant_id);
  if (ec != std::errc() || end != payload.data() + b) {
    return Internal("malformed grant id in payload \"" + payload + "\"");
  }
  GOVD_ASSIGN_OR_RETURN(change.state, ParseGrantState(payload.substr(b + 1)));
  return change;
}

}  // namespace

struct GrantListener::Impl {
  class Receiver final : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& conn, std::deque<std::string>& queue)
        : pqxx::notification_receiver(conn, kGrantChannel), queue_(queue) {}
    void operator()(const std::string& payload, int /*backend_pid*/) override {
      queue_.push_back(payload);
    }

   private:
    std::deque<std::string>& queue_;
  };

  std::unique_ptr<pqxx::connection> conn;
  std::deque<std::string> pending;
  std::unique_ptr<Receiver> receiver;  // declared last: unregisters before conn goes away
};

GrantListener::GrantListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrantListener::~GrantListener() {
  // Unregistering issues UNLISTEN, which may throw on a dead connection; the cause is moot here.
  try {
    impl_->receiver.reset();
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): destructor must not throw
  }
}

Result<std::unique_ptr<GrantListener>> GrantListener::Open(const std::string& conninfo) {
  GOVD_ASSIGN_OR_RETURN(auto conn, pg::Connect(conninfo));
  auto impl = std::make_unique<Impl>();
  impl->conn = std::move(conn);
  GOVD_TRY(pg::Guard<bool>("listening on " + std::string(kGrantChannel), [&] {
    impl->receiver = std::make_unique<Impl::Receiver>(*impl->conn, impl->pending);
    impl->conn->get_notifs();  // the LISTEN is sent now, not lazily
    return true;
  }));
  return std::unique_ptr<GrantListener>(new GrantListener(std::move(impl)));
}

Result<std::optional<GrantChange>> GrantListener::Wait(std::chrono::milliseconds timeout) {
  if (impl_->pending.empty()) {
    auto waited = pg::Guard<int>("waiting for grant changes", [&] {
      long ms = static_cast<long>(timeout.count());
      return impl_->conn->await_notification(ms / 1000, (ms % 1000) * 1000);
    });
    if (!waited) return waited.error();
  }
  if (impl_->pending.empty()) return std::optional<GrantChange>();
  std::string payload = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  GOVD_ASSIGN_OR_RETURN(GrantChange change, ParsePayload(payload));
  return std::optional<GrantChange>(std::move(change));
}

}  // namespace govd::accounts
