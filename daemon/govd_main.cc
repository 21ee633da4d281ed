// govd: the governance daemon, one per AWS account (central or child mode). This file only wires
// the parts of daemon/ together; each part does its own work.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <random>

#include "base/version.h"
#include "daemon/api_handlers.h"
#include "daemon/config_loader.h"
#include "daemon/config_reload.h"
#include "daemon/control_server.h"
#include "daemon/logger.h"
#include "daemon/reconcile_scheduler.h"
#include "daemon/service_signals.h"
#include "daemon/systemd_notifier.h"
#include "daemon/watchdog_pinger.h"

namespace govd::daemon {
namespace {

constexpr int kExitConfig = 1;
constexpr int kExitUsage = 2;

ControlLimits LimitsOf(const Config& config) {
  return {config.control_read_timeout, config.control_max_body_bytes, config.control_max_header_bytes};
}

// The control socket: handed over by systemd socket activation, or bound here.
Result<ControlServer::Acceptor> OpenControlSocket(boost::asio::io_context& io, const Config& config, bool& bound_here) {
  GOVD_ASSIGN_OR_RETURN(std::optional<ControlServer::Acceptor> activated, AdoptActivatedSocket(io));
  bound_here = !activated.has_value();
  if (activated) return std::move(*activated);
  return BindControlSocket(io, config.control_socket);
}

// The running daemon's parts and the callbacks between them; no logic of its own.
class Service {
 public:
  Service(boost::asio::io_context& io, CommandLine command_line, Config config, ControlServer::Acceptor acceptor,
          bool socket_bound_here)
      : io_(io),
        command_line_(std::move(command_line)),
        config_(std::move(config)),
        logger_(MakeLogger(std::getenv("JOURNAL_STREAM"))),
        dispatcher_(config_.roles),
        scheduler_(io_, [this](ReconcileScheduler::PassDone done) { RunPass(std::move(done)); },
                   [this] { return uniform_(random_); }),
        server_(std::move(acceptor), dispatcher_, *logger_, LimitsOf(config_)),
        watchdog_(io_, notifier_, SystemdNotifier::WatchdogPingInterval()),
        signals_(io_, [this] { Reload(); }, [this] { Stop(); }),
        socket_bound_here_(socket_bound_here) {
    logger_->set_level(config_.log_level);
    dispatcher_.Handle(Endpoint::kStatus, MakeStatusHandler(config_, state_, scheduler_));
    dispatcher_.Handle(Endpoint::kReconcileNow, MakeReconcileNowHandler(scheduler_));
    scheduler_.set_interval(config_.reconcile_interval, config_.reconcile_jitter);
  }

  int Run() {
    signals_.Start();
    watchdog_.Start();
    server_.Start();
    scheduler_.Start();
    SetActivity("ready: " + std::string(ModeName(config_.mode)) + " " + config_.account_id.str() + ", control socket " +
                config_.control_socket);
    notifier_.Ready(state_.activity);
    logger_->Log(LogLevel::kInfo, state_.activity, {{"TENANT", config_.account_id.str()}});
    io_.run();
    logger_->Log(LogLevel::kInfo, "stopped");
    return 0;
  }

 private:
  void SetActivity(std::string activity) {
    state_.activity = std::move(activity);
    notifier_.Status(state_.activity);
  }

  // The reconciler (accounts/) is not part of this build: a pass only records that it ran.
  void RunPass(ReconcileScheduler::PassDone done) {
    logger_->Log(LogLevel::kDebug, "reconcile pass " + std::to_string(scheduler_.stats().passes_started) +
                                       ": no reconciler wired in this build");
    done();
    SetActivity("idle: " + std::to_string(scheduler_.stats().passes_finished) + " reconcile passes");
  }

  void Reload() {
    notifier_.Reloading("reloading configuration");
    auto fresh = LoadConfig(command_line_);
    if (!fresh) {
      logger_->Log(LogLevel::kError, "reload refused, keeping the running configuration: " + fresh.error().ToString());
    } else {
      ApplyReload(PlanReload(config_, *fresh));
    }
    notifier_.Ready(state_.activity);
  }

  void ApplyReload(ReloadPlan plan) {
    for (const std::string& key : plan.needs_restart) {
      logger_->Log(LogLevel::kWarning, "config key " + key + " changed; restart govd to apply it");
    }
    config_ = std::move(plan.config);
    logger_->set_level(config_.log_level);
    dispatcher_.set_roles(config_.roles);
    server_.set_limits(LimitsOf(config_));
    scheduler_.set_interval(config_.reconcile_interval, config_.reconcile_jitter);
    ++state_.reloads;
    logger_->Log(LogLevel::kInfo, "configuration reloaded");
  }

  // Every request already accepted has been answered (handlers are synchronous); closing the
  // sockets queues their aborted operations, and the posted stop runs after them.
  void Stop() {
    notifier_.Stopping("stopping");
    logger_->Log(LogLevel::kInfo, "stopping");
    signals_.Stop();
    watchdog_.Stop();
    scheduler_.Stop();
    server_.Stop();
    if (socket_bound_here_) ::unlink(config_.control_socket.c_str());
    boost::asio::post(io_, [this] { io_.stop(); });
  }

  boost::asio::io_context& io_;
  CommandLine command_line_;
  Config config_;
  LoggerPtr logger_;
  SystemdNotifier notifier_;
  ServiceState state_;
  std::mt19937_64 random_{std::random_device{}()};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  ApiDispatcher dispatcher_;
  ReconcileScheduler scheduler_;
  ControlServer server_;
  WatchdogPinger watchdog_;
  ServiceSignals signals_;
  bool socket_bound_here_;
};

int RunDaemon(CommandLine command_line, Config config) {
  boost::asio::io_context io;
  bool bound_here = false;
  auto acceptor = OpenControlSocket(io, config, bound_here);
  if (!acceptor) {
    std::cerr << "govd: control socket: " << acceptor.error().ToString() << "\n";
    return kExitConfig;
  }
  Service service(io, std::move(command_line), std::move(config), *std::move(acceptor), bound_here);
  return service.Run();
}

int Main(int argc, char** argv) {
  auto command_line = ParseCommandLine(argc, argv);
  if (!command_line) {
    std::cerr << "govd: " << command_line.error().ToString() << "\n";
    return kExitUsage;
  }
  if (command_line->help) {
    std::cout << "usage: govd [OPTIONS]\n\n"
              << "govd keeps the S3 sharing permissions of one AWS account in line with the\n"
              << "desired state recorded in PostgreSQL, and records every change in an audit log.\n\n"
              << command_line->help_text;
    return 0;
  }
  if (command_line->version) {
    std::cout << "govd " << kVersion << "\n";
    return 0;
  }
  auto config = LoadConfig(*command_line);
  if (!config) {
    std::cerr << "govd: configuration: " << config.error().ToString() << "\n";
    return kExitConfig;
  }
  if (command_line->check_config) {
    std::cout << "govd: configuration is valid (" << ModeName(config->mode) << " " << config->account_id.str() << ")\n";
    return 0;
  }
  return RunDaemon(*std::move(command_line), *std::move(config));
}

}  // namespace
}  // namespace govd::daemon

int main(int argc, char** argv) {
  try {
    return govd::daemon::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "govd: " << e.what() << "\n";
    return 1;
  }
}
