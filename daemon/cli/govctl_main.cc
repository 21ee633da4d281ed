// govctl: the command-line tool for govd's users (local authorities, the central organisation,
// security teams). `govctl COMMAND --help` describes each command.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "base/version.h"
#include "daemon/cli/govctl_audit.h"
#include "daemon/cli/govctl_command.h"
#include "daemon/cli/govctl_completion.h"
#include "daemon/cli/govctl_grant.h"
#include "daemon/cli/govctl_org.h"
#include "daemon/cli/govctl_plan.h"
#include "daemon/cli/govctl_policy.h"
#include "daemon/cli/govctl_pull.h"
#include "daemon/cli/govctl_reconcile.h"
#include "daemon/cli/govctl_sign.h"
#include "daemon/cli/govctl_simulate.h"
#include "daemon/cli/govctl_status.h"

namespace govd::daemon {
namespace {

// The grammar: each command's words (sub-subcommands) and options, one table from which
// completion is generated (govctl_completion.h). tests/daemon/cli/govctl_completion_test.cc checks
// it against every command's --help, so the two cannot drift.
constexpr std::string_view kApiOptions = "--socket= --json --output=";

constexpr std::array kAuditWords{
    GovctlWord{"log", "--tenant= --since= --grant= --format="},
    GovctlWord{"verify", "--tenant="},
    GovctlWord{"findings", "--status= --tenant="},
    GovctlWord{"archive", "--reason= --tenant="},
    GovctlWord{"unarchive", "--tenant="},
    GovctlWord{"archive-rule", "--reason= --type= --bucket= --principal= --tenant="},
    GovctlWord{"who-can-access", "--action= --tenant="},
    GovctlWord{"what-can-access", "--action= --tenant="},
    GovctlWord{"report", "--out= --tenant= --all-tenants --since="},
};

constexpr std::array kGrantWords{
    GovctlWord{"request", "--bucket= --prefix= --grantee= --actions= --expires= --reason= --tenant="},
    GovctlWord{"approve", "--reason= --tenant="},
    GovctlWord{"reject", "--reason= --tenant="},
    GovctlWord{"revoke", "--reason= --tenant="},
    GovctlWord{"list", "--state= --bucket= --tenant="},
    GovctlWord{"show", "--tenant="},
};

constexpr std::array kOrgWords{GovctlWord{"show", ""}};
constexpr std::array kPolicyWords{GovctlWord{"lint", "--kind= --format= --org-id= --org-account="}};
constexpr std::array kReconcileWords{GovctlWord{"now", ""}};

constexpr std::array kCommands{
    GovctlCommand{"audit", "audit log, findings, who can access what, report (security teams)",
                  RunAuditCommand, kApiOptions, kAuditWords},
    GovctlCommand{"grant", "request, approve, reject, revoke, list and show grants", RunGrantCommand,
                  kApiOptions, kGrantWords},
    GovctlCommand{"org", "show the organisation govd manages (`govctl org show`)", RunOrgCommand, kApiOptions,
                  kOrgWords},
    GovctlCommand{"plan", "show what the next reconcile pass would change, writing nothing", RunPlanCommand,
                  "--detailed-exitcode --socket= --json --output="},
    GovctlCommand{"policy", "check IAM policy documents offline (policy lint)", RunPolicyCommand, "",
                  kPolicyWords},
    GovctlCommand{"pull", "copy a prefix a child account granted into a local directory", RunPullCommand,
                  "--bucket= --prefix= --to= --endpoint= --path-style --region= --profile= --expected-owner= "
                  "--grant= --json --output="},
    GovctlCommand{"reconcile", "start a reconcile pass now (`govctl reconcile now`)", RunReconcileCommand,
                  kApiOptions, kReconcileWords},
    GovctlCommand{"sign", "sign an HTTP request with SigV4 (headers or presigned URL)", RunSignCommand,
                  "--method= --url= --header= --body-file= --service= --region= --presign= --date= "
                  "--unsigned-payload --profile= --json --output="},
    GovctlCommand{"simulate", "ask the policy engine whether a request is allowed, and why",
                  RunSimulateCommand,
                  "--cases= --explain --principal= --action= --resource= --resource-account= --context= "
                  "--context-list= --identity-policy= --resource-policy= --boundary= --session-policy= "
                  "--scp-level= --rcp-level= --daemon --tenant= --socket= --json --output="},
    GovctlCommand{"status", "show what govd is doing", RunStatusCommand, kApiOptions},
};

// `govctl __complete WORD...` (hidden; the shell completion scripts call it): one candidate a line.
int Complete(CommandArgs args) {
  std::vector<std::string_view> words(args.begin(), args.end());
  if (words.empty()) words.emplace_back();
  for (const std::string& candidate : CompletionCandidates(kCommands, words)) std::cout << candidate << "\n";
  return kExitOk;
}

void PrintUsage(std::ostream& out) {
  out << "usage: govctl [--version] [--help] COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& command : kCommands) {
    out << "  " << command.name << std::string(14 - std::min<std::size_t>(13, command.name.size()), ' ')
        << command.summary << "\n";
  }
  out << "\n`govctl COMMAND --help` describes one command.\n";
}

// `govctl --socket PATH --json status` means `govctl status --socket PATH --json`: options before
// the command (--socket, --json, --output) move after it, where every command parses them.
std::vector<char*> MoveGlobalOptionsAfterCommand(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  auto takes_value = [&](std::size_t i) {
    return (std::strcmp(args[i], "--socket") == 0 || std::strcmp(args[i], "--output") == 0) && i + 1 < args.size();
  };
  std::size_t end = 1;
  while (end < args.size() && (std::strcmp(args[end], "--json") == 0 || std::strncmp(args[end], "--socket=", 9) == 0 ||
                               std::strncmp(args[end], "--output=", 9) == 0 || takes_value(end))) {
    end += takes_value(end) ? 2 : 1;
  }
  std::rotate(args.begin() + 1, args.begin() + static_cast<std::ptrdiff_t>(end), args.end());
  return args;
}

int Main(int original_argc, char** original_argv) {
  std::vector<char*> arguments = MoveGlobalOptionsAfterCommand(original_argc, original_argv);
  int argc = static_cast<int>(arguments.size());
  char** argv = arguments.data();
  if (argc < 2) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h") {
    PrintUsage(std::cout);
    return kExitOk;
  }
  if (first == "__complete") return Complete(CommandArgs(argv + 2, static_cast<std::size_t>(argc - 2)));
  if (first == "--version") {
    std::cout << "govctl " << kVersion << "\n";
    return kExitOk;
  }
  for (const auto& command : kCommands) {
    if (command.name == first) {
      return command.run(CommandArgs(argv + 2, static_cast<std::size_t>(argc - 2)), std::cout, std::cerr);
    }
  }
  std::cerr << "govctl: unknown command \"" << first << "\"\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}

}  // namespace
}  // namespace govd::daemon

int main(int argc, char** argv) {
  try {
    return govd::daemon::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "govctl: " << e.what() << "\n";
    return govd::daemon::kExitFailure;
  }
}
