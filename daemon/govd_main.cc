// govd: the governance daemon, one per AWS account (central or child mode).
#include <boost/program_options.hpp>
#include <exception>
#include <iostream>
#include <string_view>

#include "base/version.h"
#include "daemon/govd_migrate.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "migrate") {
    return govd::daemon::RunMigrateCommand(argc - 1, argv + 1, std::cout, std::cerr);
  }
  try {
    po::options_description options("govd options");
    options.add_options()("help,h", "show this help and exit")("version", "print the version and exit");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0U) {
      std::cout << "usage: govd [OPTIONS]\n\n"
                << "govd keeps the S3 sharing permissions of one AWS account in line with the\n"
                << "desired state recorded in PostgreSQL, and records every change in an audit log.\n\n"
                << options;
      return 0;
    }
    if (vm.count("version") != 0U) {
      std::cout << "govd " << govd::kVersion << "\n";
      return 0;
    }
    std::cerr << "govd: nothing to do yet; see --help\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "govd: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "govd: " << e.what() << "\n";
    return 1;
  }
}
