// govd: the governance daemon, one per AWS account (central or child mode). This file only wires
// the parts of daemon/ together; each part does its own work.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <set>
#include <string_view>

#include "accounts/store/audit_seal.h"
#include "base/random.h"
#include "base/version.h"
#include "daemon/api/text_report.h"
#include "daemon/main/database_wait.h"
#include "daemon/main/govd_migrate.h"
#include "daemon/main/govd_org.h"
#include "daemon/main/schema_at_start.h"
#include "daemon/reconcile/central_puller.h"
#include "daemon/reconcile/child_reconciler.h"
#include "daemon/reconcile/grant_wakeup.h"
#include "daemon/reconcile/reconcile_scheduler.h"
#include "daemon/server/api_handlers.h"
#include "daemon/server/api_org.h"
#include "daemon/server/api_plan.h"
#include "daemon/server/api_simulate.h"
#include "daemon/server/api_store.h"
#include "daemon/server/api_worker.h"
#include "daemon/server/audit_handlers.h"
#include "daemon/server/control_server.h"
#include "daemon/server/grant_handlers.h"
#include "daemon/service/config_loader.h"
#include "daemon/service/config_reload.h"
#include "daemon/service/logger.h"
#include "daemon/service/metrics.h"
#include "daemon/service/metrics_server.h"
#include "daemon/service/process_hardening.h"
#include "daemon/service/process_metrics.h"
#include "daemon/service/service_signals.h"
#include "daemon/service/systemd_notifier.h"
#include "daemon/service/watchdog_pinger.h"

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
  return BindControlSocket(io, config.control_socket, config.control_socket_group);
}

// Control connections may take at most a quarter of the descriptors govd may open; the rest stays
// for reconcile passes (database, S3 and STS connections), whatever local users do.
ConnectionCaps CapsOfThisProcess() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return ConnectionCapsFor(1024);
  }
  return ConnectionCapsFor(static_cast<std::size_t>(limit.rlim_cur));
}

// The tenants whose paths the control API serves: the daemon's own account and its [tenant.*].
ManagedTenants ManagedTenantsOf(const Config& config) {
  ManagedTenants managed{config.account_id.str()};
  for (const ManagedTenant& tenant : config.tenants) managed.insert(tenant.account.str());
  return managed;
}

// Each tenant's pass, by tenant; a tenant whose pass could not run makes the pass not ok.
PassSummary SummaryOf(const Result<ChildPassReport>& report, std::chrono::milliseconds took) {
  PassSummary summary;
  summary.ok = report.has_value();
  summary.took = took;
  if (!report) return summary;
  for (const TenantPassResult& tenant : report->tenants) {
    if (!tenant.report) {
      summary.ok = false;
      continue;
    }
    TenantPassSummary& of = summary.tenants[tenant.tenant.str()];
    of.in_sync = tenant.report->in_sync;
    of.applied = tenant.report->applied;
    of.failed = tenant.report->failed;
    of.drift_repaired = tenant.report->drift_repaired;
    for (const auto& [state, count] : tenant.report->grants_by_state) {
      of.grants_by_state[std::string(accounts::GrantStateName(state))] += count;
    }
  }
  return summary;
}

PullSummary SummaryOf(const SourcePullOutcome& pull) {
  return {pull.source, pull.account, std::string(PullStateName(pull.state)), pull.downloaded, pull.bytes};
}

// The running daemon's parts and the callbacks between them; no logic of its own.
class Service {
 public:
  Service(boost::asio::io_context& io, CommandLine command_line, Config config, ControlServer::Acceptor acceptor,
          bool socket_bound_here, Metrics& metrics, std::unique_ptr<MetricsServer> metrics_server,
          std::unique_ptr<ChildReconciler> child, std::unique_ptr<CentralPuller> central,
          std::shared_ptr<accounts::AuditSeal> audit_seal)
      : io_(io),
        command_line_(std::move(command_line)),
        config_(std::move(config)),
        logger_(MakeLogger(std::getenv("JOURNAL_STREAM"))),
        dispatcher_(config_.roles, ManagedTenantsOf(config_)),
        scheduler_(io_, [this](const ReconcileScheduler::PassDone& done) { RunPass(done); },
                   SystemRandom()),
        server_(std::move(acceptor), dispatcher_, *logger_, LimitsOf(config_), CapsOfThisProcess()),
        watchdog_(io_, notifier_, SystemdNotifier::WatchdogPingInterval(), [this] { return PassAlive(); }),
        signals_(io_, [this] { Reload(); }, [this] { Stop(); }),
        socket_bound_here_(socket_bound_here),
        metrics_(metrics),
        metrics_server_(std::move(metrics_server)),
        child_(std::move(child)),
        central_(std::move(central)) {
    if (metrics_server_) state_.metrics_address = metrics_server_->address();
    if (!config_.database_conninfo.empty()) {
      api_store_ =
          std::make_unique<ApiStore>(config_.database_conninfo, config_.account_id, std::move(audit_seal));
      RegisterGrantHandlers(dispatcher_, *api_store_, scheduler_, config_);
      RegisterAuditHandlers(dispatcher_, *api_store_, child_ ? PolicyAccessOfChild() : TenantPolicyAccess());
      dispatcher_.Handle(Endpoint::kOrgShow, MakeOrgShowHandler(*api_store_));
    }
    if (child_) WireChild();
    logger_->set_level(config_.log_level);
    dispatcher_.Handle(Endpoint::kStatus, MakeStatusHandler(config_, state_, scheduler_));
    dispatcher_.Handle(Endpoint::kReconcileNow, MakeReconcileNowHandler(scheduler_));
    scheduler_.set_interval(config_.reconcile_interval, config_.reconcile_jitter);
  }

  int Run() {
    signals_.Start();
    watchdog_.Start();
    server_.Start();
    if (metrics_server_) metrics_server_->Start();
    scheduler_.Start();
    if (wakeup_) wakeup_->Start();
    SetActivity("ready: " + std::string(ModeName(config_.mode)) + " " + config_.account_id.str() + ", control socket " +
                config_.control_socket);
    notifier_.Ready(state_.activity);
    logger_->Log(LogLevel::kInfo, state_.activity, {{"TENANT", config_.account_id.str()}});
    io_.run();
    logger_->Log(LogLevel::kInfo, "stopped");
    return 0;
  }

 private:
  // Child mode with a database: plan and simulate read S3, so they answer from a worker; grant
  // changes in the store wake the reconciler.
  void WireChild() {
    dispatcher_.HandleAsync(Endpoint::kPlan, OnWorker(api_worker_, io_, MakePlanHandler(*child_)));
    dispatcher_.HandleAsync(
        Endpoint::kSimulate,
        OnWorker(api_worker_, io_, MakeSimulateHandler(*api_store_, PolicyAccessOfChild())));
    auto wake = [this] { boost::asio::post(io_, [this] { scheduler_.RequestNow(); }); };
    auto lost = [this](const Error& why, std::chrono::milliseconds retry_in) {
      std::string text = "grant notifications lost (" + why.ToString() + "); listening again in " +
                         std::to_string(retry_in.count()) + " ms";
      boost::asio::post(io_, [this, text] { logger_->Log(LogLevel::kWarning, text); });
    };
    std::set<std::string> tenants;
    for (const policy::AccountId& tenant : child_->tenants()) tenants.insert(tenant.str());
    wakeup_ = std::make_unique<GrantWakeup>(config_.database_conninfo, std::move(tenants), wake, lost,
                                            SystemTime(), SystemRandom());
  }

  TenantPolicyAccess PolicyAccessOfChild() {
    return [this](const policy::AccountId& tenant) { return child_->PolicyAccess(tenant); };
  }

  void SetActivity(std::string activity) {
    state_.activity = std::move(activity);
    notifier_.Status(state_.activity);
  }

  // A pass runs on its own thread, so that the event loop (control API, watchdog) never waits on
  // AWS or the database; its outcome comes back to the loop. Without a database nothing is
  // reconciled (and nothing is written).
  void RunPass(const ReconcileScheduler::PassDone& done) {
    if (central_) {
      RunCentralPass(done);
      return;
    }
    if (!child_) {
      logger_->Log(LogLevel::kDebug, "reconcile pass: no database configured, nothing to reconcile");
      done();
      return;
    }
    pass_started_ = std::chrono::steady_clock::now();
    boost::asio::post(pass_worker_, [this, done] {
      auto started = std::chrono::steady_clock::now();
      auto report = std::make_shared<Result<ChildPassReport>>(child_->RunPass());
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      boost::asio::post(io_, [this, done, report, took] {
        pass_started_.reset();
        RecordPass(*report, took);
        done();
      });
    });
  }

  // False while a child pass has made no progress for longer than any bucket can take: a hung
  // pass (a database lock that never ends, a deadlock) then stops the watchdog pings, and
  // systemd restarts govd; the leases it held expire and the next start finishes the work.
  bool PassAlive() {
    if (!pass_started_) return true;
    auto progress = std::max(*pass_started_, child_->last_progress());
    bool alive = std::chrono::steady_clock::now() - progress < pass_stall_limit_;
    if (!alive && !hung_reported_) {
      logger_->Log(LogLevel::kError, "reconcile pass has made no progress for " +
                                         std::to_string(pass_stall_limit_.count()) +
                                         " ms; withholding watchdog pings so that systemd restarts govd");
      SetActivity("not ready: reconcile pass hung");
    }
    hung_reported_ = !alive;
    return alive;
  }

  // The sources are copied on the loop's thread: a reload may replace config_ while the pass runs.
  void RunCentralPass(const ReconcileScheduler::PassDone& done) {
    boost::asio::post(pass_worker_, [this, done, sources = config_.sources] {
      auto started = std::chrono::steady_clock::now();
      auto report = std::make_shared<CentralPassReport>(central_->RunPass(sources));
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      boost::asio::post(io_, [this, done, report, took] {
        RecordPulls(*report, took);
        done();
      });
    });
  }

  void RecordPulls(const CentralPassReport& report, std::chrono::milliseconds took) {
    metrics_.RecordPass({.ok = true, .took = took, .tenants = {}});
    for (const SourcePullOutcome& pull : report.outcomes) {
      metrics_.RecordPull(SummaryOf(pull));
      if (pull.state == PullState::kPulled && pull.downloaded == 0) continue;  // nothing new: no log line
      std::string what = pull.state == PullState::kPulled
                             ? "source " + pull.source + ": pulled " + std::to_string(pull.downloaded) + " objects (" +
                                   std::to_string(pull.bytes) + " bytes) of s3://" + pull.bucket + "/" + pull.prefix +
                                   ", " + std::to_string(pull.skipped) + " already present"
                             : "source " + pull.source + ": " + pull.message;
      logger_->Log(pull.state == PullState::kPulled ? LogLevel::kInfo : LogLevel::kWarning, what,
                   {{"TENANT", pull.account}, {"BUCKET", pull.bucket}});
    }
    state_.pulls = report.outcomes;
    SetActivity(DescribeCentralPass(report, took));
  }

  void RecordPass(const Result<ChildPassReport>& report, std::chrono::milliseconds took) {
    metrics_.RecordPass(SummaryOf(report, took));
    if (!report) {
      state_.pass_error = report.error().ToString();
      SetActivity("not ready: reconcile pass failed: " + state_.pass_error);
      logger_->Log(LogLevel::kError, "reconcile pass failed: " + state_.pass_error,
                   {{"TENANT", config_.account_id.str()}});
      return;
    }
    state_.pass_error.clear();
    for (const TenantPassResult& tenant : report->tenants) {
      if (!tenant.report) {
        std::string why = tenant.report.error().ToString();
        state_.bucket_errors["tenant " + tenant.tenant.str()] = "error: " + why;
        logger_->Log(LogLevel::kError, "reconcile pass of tenant " + tenant.tenant.str() + " failed: " + why,
                     {{"TENANT", tenant.tenant.str()}});
        continue;
      }
      state_.bucket_errors.erase("tenant " + tenant.tenant.str());
      if (tenant.report->leases_recovered > 0) {
        logger_->Log(LogLevel::kNotice,
                     "freed " + std::to_string(tenant.report->leases_recovered) +
                         " bucket lease(s) left by an earlier pass of this daemon that failed halfway",
                     {{"TENANT", tenant.tenant.str()}});
      }
      if (tenant.report->reader_trust) RecordReaderTrust(tenant.tenant.str(), *tenant.report->reader_trust);
      for (const auto& bucket : tenant.report->buckets) RecordBucket(tenant.tenant.str(), bucket);
    }
    SetActivity(DescribePass(*report, took));
  }

  // Logs a change of the reader role's trust policy, and keeps why it could not be reconciled
  // for /v1/status (grants naming the role wait meanwhile).
  void RecordReaderTrust(const std::string& tenant, const ReaderTrustState& trust) {
    const std::string key = "reader role " + trust.role_arn;
    if (!trust.in_sync) {
      state_.bucket_errors[key] = "error: " + trust.problem;
      logger_->Log(LogLevel::kWarning, "trust policy of " + key + " not reconciled: " + trust.problem,
                   {{"TENANT", tenant}});
      return;
    }
    state_.bucket_errors.erase(key);
    if (trust.applied) {
      logger_->Log(LogLevel::kNotice,
                   "trust policy of " + key + (trust.allows ? " lets the trusted principal in" : " lets it in no more"),
                   {{"TENANT", tenant}});
    }
  }

  // Logs a bucket that changed or failed, and keeps a failing one's reason for /v1/status.
  void RecordBucket(const std::string& tenant, const BucketResult& bucket) {
    bool failed = !bucket.outcome || bucket.outcome->kind == ReconcileOutcome::Kind::kFailed;
    if (!failed) state_.bucket_errors.erase(bucket.bucket);
    if (bucket.outcome && bucket.outcome->kind == ReconcileOutcome::Kind::kInSync) return;
    std::string what = !bucket.outcome ? "error: " + bucket.outcome.error().ToString()
                                       : std::string(ReconcileOutcomeName(bucket.outcome->kind)) +
                                             (bucket.outcome->reason.empty() ? "" : ": " + bucket.outcome->reason);
    if (failed) state_.bucket_errors[bucket.bucket] = what;
    logger_->Log(failed ? LogLevel::kWarning : LogLevel::kNotice, "bucket " + bucket.bucket + " " + what,
                 {{"TENANT", tenant}, {"BUCKET", bucket.bucket}});
    if (bucket.outcome) RecordGrants(tenant, bucket.bucket, *bucket.outcome);
  }

  // One line per grant whose state the bucket's reconcile moved, with GRANT_ID= for journalctl.
  void RecordGrants(const std::string& tenant, const std::string& bucket, const ReconcileOutcome& outcome) {
    auto log = [&](const std::vector<std::int64_t>& ids, LogLevel level, const char* state) {
      for (std::int64_t id : ids) {
        logger_->Log(level, "grant " + std::to_string(id) + " " + state + " on bucket " + bucket,
                     {{"TENANT", tenant}, {"BUCKET", bucket}, {"GRANT_ID", std::to_string(id)}});
      }
    };
    log(outcome.activated, LogLevel::kNotice, "active");
    log(outcome.revoked, LogLevel::kNotice, "revoked");
    log(outcome.failed, LogLevel::kWarning, "failed");
    std::string where = "tenant " + tenant;
    where += ", bucket " + bucket;
    for (std::int64_t id : outcome.failed) state_.failed_grants[id] = where;
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

  // Every change already accepted has been answered (handlers that write are synchronous); a
  // read still on the API worker loses its answer. Closing the sockets queues their aborted
  // operations, and the posted stop runs after them.
  void Stop() {
    notifier_.Stopping("stopping");
    logger_->Log(LogLevel::kInfo, "stopping");
    signals_.Stop();
    watchdog_.Stop();
    scheduler_.Stop();
    if (child_) child_->RequestStop();  // a running pass ends after its current bucket
    if (central_) central_->RequestStop();  // ... or after its current prefix
    if (wakeup_) wakeup_->RequestStop();
    server_.Stop();
    if (metrics_server_) metrics_server_->Stop();
    if (socket_bound_here_) ::unlink(config_.control_socket.c_str());
    boost::asio::post(io_, [this] { io_.stop(); });
  }

  boost::asio::io_context& io_;
  CommandLine command_line_;
  Config config_;
  LoggerPtr logger_;
  SystemdNotifier notifier_;
  ServiceState state_;
  ApiDispatcher dispatcher_;
  ReconcileScheduler scheduler_;
  ControlServer server_;
  WatchdogPinger watchdog_;
  ServiceSignals signals_;
  bool socket_bound_here_;
  Metrics& metrics_;
  std::unique_ptr<MetricsServer> metrics_server_;  // null: no metrics.address configured
  std::unique_ptr<ChildReconciler> child_;  // null: central mode, or no database configured
  std::unique_ptr<CentralPuller> central_;  // null: child mode
  std::unique_ptr<ApiStore> api_store_;     // null: no database configured (grant endpoints answer 501)
  std::unique_ptr<GrantWakeup> wakeup_;      // null unless child mode with a database
  std::optional<std::chrono::steady_clock::time_point> pass_started_;  // a child pass is running
  std::chrono::milliseconds pass_stall_limit_{PassStallLimit(config_)};
  bool hung_reported_ = false;
  boost::asio::thread_pool api_worker_{1};   // plan and simulate; joined before what they use
  boost::asio::thread_pool pass_worker_{1};  // declared last: joined first, before what passes use
};

int RunDaemon(CommandLine command_line, Config config) {
  boost::asio::io_context io;
  bool bound_here = false;
  auto acceptor = OpenControlSocket(io, config, bound_here);
  if (!acceptor) {
    std::cerr << "govd: control socket: " << acceptor.error().ToString() << "\n";
    return kExitConfig;
  }
  Metrics metrics;  // outlives the service and the reconciler that report to it
  std::unique_ptr<MetricsServer> metrics_server;
  if (!config.metrics_address.empty()) {
    auto render = [&metrics] {
      Result<ProcessSample> process = ReadProcessSample();  // unreadable /proc: the rest still served
      return metrics.Render(process ? &*process : nullptr);
    };
    auto bound = MetricsServer::Bind(io, config.metrics_address, render);
    if (!bound) {
      std::cerr << "govd: " << bound.error().ToString() << "\n";
      return kExitConfig;
    }
    metrics_server = *std::move(bound);
  }
  std::shared_ptr<accounts::AuditSeal> audit_seal;
  if (!config.audit_key_file.empty()) {  // the key is read once, before any audit row is written
    auto opened = accounts::AuditSeal::Open(config.audit_key_file, config.audit_anchor_dir);
    if (!opened) {
      std::cerr << "govd: " << opened.error().ToString() << "\n";
      return kExitConfig;
    }
    audit_seal = *std::move(opened);
  }
  std::unique_ptr<ChildReconciler> child;
  if (config.mode == Mode::kChild && !config.database_conninfo.empty()) {
    // Never report ready without the database at this build's schema (migrated here unless
    // database.migrate-at-start is false); while the database does not answer, wait.
    SystemdNotifier notifier;
    LoggerPtr logger = MakeLogger(std::getenv("JOURNAL_STREAM"));
    logger->set_level(config.log_level);
    auto open = [&]() -> Result<std::unique_ptr<ChildReconciler>> {
      GOVD_TRY(MigrateSchemaAtStart(config.database_conninfo, config.database_migrate_at_start, *logger));
      return ChildReconciler::Create(config, &metrics, audit_seal);
    };
    auto created = OpenWhenDatabaseAnswers(open, notifier, *logger);
    if (!created) {
      std::cerr << "govd: " << created.error().ToString() << "\n";
      return kExitConfig;
    }
    if (*created == nullptr) {  // stopped while waiting
      if (bound_here) ::unlink(config.control_socket.c_str());
      return 0;
    }
    child = std::move(created).value();
  }
  std::unique_ptr<CentralPuller> central;
  if (config.mode == Mode::kCentral) {
    auto created = CentralPuller::Create(config);
    if (!created) {
      std::cerr << "govd: " << created.error().ToString() << "\n";
      return kExitConfig;
    }
    central = std::move(created).value();
  }
  Service service(io, std::move(command_line), std::move(config), *std::move(acceptor), bound_here, metrics,
                  std::move(metrics_server), std::move(child), std::move(central), std::move(audit_seal));
  return service.Run();
}

// `govd --dry-run`: the plan of every managed tenant, as `govctl plan` prints it, without a
// daemon: reads S3 and the store, writes nothing, takes no lease, opens no socket. Exit 0 when
// every tenant was planned (whatever it would change), else 1.
int RunDryRun(const Config& config, std::ostream& out, std::ostream& err) {
  if (config.mode != Mode::kChild || config.database_conninfo.empty()) {
    err << "govd: --dry-run plans a child-mode daemon's reconcile passes: it needs mode = child and a database\n";
    return kExitConfig;
  }
  auto child = ChildReconciler::Create(config, nullptr);
  if (!child) {
    err << "govd: " << child.error().ToString() << "\n";
    return kExitConfig;
  }
  int exit_code = 0;
  for (const policy::AccountId& tenant : (*child)->tenants()) {
    out << "tenant " << tenant.str() << ":\n";
    auto plans = (*child)->Plan(tenant);
    if (!plans) {
      err << "govd: planning tenant " << tenant.str() << ": " << plans.error().ToString() << "\n";
      exit_code = 1;
      continue;
    }
    PrintPlan(PlanJson(tenant, *plans), out);
  }
  return exit_code;
}

int Main(int argc, char** argv) {
  if (Status hardened = DisableCoreDumps(); !hardened) {  // before the config file's keys are read
    std::cerr << "govd: " << hardened.error().ToString() << "\n";
    return kExitConfig;
  }
  auto command_line = ParseCommandLine(argc, argv);
  if (!command_line) {
    std::cerr << "govd: " << command_line.error().ToString() << "\n";
    return kExitUsage;
  }
  if (command_line->help) {
    std::cout << "usage: govd [OPTIONS]\n"
              << "       " << kMigrateUsage << "\n"
              << "       " << kOrgImportUsage << "\n\n"
              << "govd keeps the S3 sharing permissions of one AWS account in line with the\n"
              << "desired state recorded in PostgreSQL, and records every change in an audit log.\n"
              << "Each of the two commands describes itself with --help.\n"
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
    if (!config->audit_key_file.empty()) {  // readable by govd, by nobody else, and a key
      if (auto key = accounts::ReadAuditKeyFile(config->audit_key_file); !key) {
        std::cerr << "govd: configuration: " << key.error().ToString() << "\n";
        return kExitConfig;
      }
    }
    std::cout << "govd: configuration is valid (" << ModeName(config->mode) << " " << config->account_id.str() << ")\n";
    return 0;
  }
  if (command_line->dry_run) return RunDryRun(*config, std::cout, std::cerr);
  return RunDaemon(*std::move(command_line), *std::move(config));
}

}  // namespace
}  // namespace govd::daemon

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "migrate") {
    return govd::daemon::RunMigrateCommand(argc - 1, argv + 1, std::cout, std::cerr);
  }
  if (argc > 1 && std::string_view(argv[1]) == "org") {
    return govd::daemon::RunOrgImportCommand(argc - 1, argv + 1, std::cout, std::cerr);
  }
  try {
    return govd::daemon::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "govd: " << e.what() << "\n";
    return 1;
  }
}
