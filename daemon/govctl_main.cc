// govctl: the command-line tool for govd's users (local authorities, the central organisation,
// security teams). `govctl COMMAND --help` describes each command.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "base/version.h"
#include "daemon/govctl_command.h"
#include "daemon/govctl_sign.h"

namespace govd::daemon {
namespace {

constexpr std::array kCommands{
    GovctlCommand{"sign", "sign an HTTP request with SigV4 (headers or presigned URL)", &RunSignCommand},
};

void PrintUsage(std::ostream& out) {
  out << "usage: govctl [--version] [--help] COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& command : kCommands) {
    out << "  " << command.name << std::string(14 - std::min<std::size_t>(13, command.name.size()), ' ')
        << command.summary << "\n";
  }
  out << "\n`govctl COMMAND --help` describes one command.\n";
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h") {
    PrintUsage(std::cout);
    return kExitOk;
  }
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
