// daemon/main/govd_migrate.cc: the `govd migrate` subcommand.
#include "daemon/main/govd_migrate.h"

#include <boost/program_options.hpp>
#include <exception>
#include <string>

#include "accounts/store/migrations.h"

namespace govd::daemon {
namespace {

namespace po = boost::program_options;

struct MigrateArgs {
  std::string db;
  bool check = false;
  bool help = false;
};

po::options_description MigrateOptions() {
  po::options_description options("govd migrate options");
  options.add_options()("db", po::value<std::string>(), "libpq conninfo of the database")(
      "check", "only compare the database's schema version with this govd's; change nothing")(
      "help,h", "show this help and exit");
  return options;
}

MigrateArgs ParseMigrateArgs(int argc, const char* const* argv) {
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(MigrateOptions()).run(), vm);
  po::notify(vm);
  MigrateArgs args;
  if (vm.count("db") != 0U) args.db = vm["db"].as<std::string>();
  args.check = vm.count("check") != 0U;
  args.help = vm.count("help") != 0U;
  return args;
}

int Check(const std::string& db, std::ostream& out, std::ostream& err) {
  auto status = accounts::ReadSchemaStatus(db);
  if (!status) {
    err << "govd migrate: " << status.error().ToString() << "\n";
    return 1;
  }
  out << "schema version " << status->database_version << " (this govd: "
      << status->code_version << ")\n";
  if (Status current = accounts::CheckSchemaCurrent(*status); !current) {
    err << "govd migrate: " << current.error().message() << "\n";
    return 1;
  }
  return 0;
}

int Migrate(const std::string& db, std::ostream& out, std::ostream& err) {
  auto status = accounts::MigrateSchema(db);
  if (!status) {
    err << "govd migrate: " << status.error().ToString() << "\n";
    return 1;
  }
  out << "schema version " << status->database_version << " (applied " << status->applied_now
      << " migration" << (status->applied_now == 1 ? "" : "s") << ")\n";
  return 0;
}

}  // namespace

int RunMigrateCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  MigrateArgs args;
  try {
    args = ParseMigrateArgs(argc, argv);
  } catch (const std::exception& e) {
    err << "govd migrate: " << e.what() << "\n";
    return 2;
  }
  if (args.help) {
    out << "usage: " << kMigrateUsage << "\n\n" << MigrateOptions();
    return 0;
  }
  if (args.db.empty()) {
    err << "govd migrate: --db CONNINFO is required\n";
    return 2;
  }
  return args.check ? Check(args.db, out, err) : Migrate(args.db, out, err);
}

}  // namespace govd::daemon
