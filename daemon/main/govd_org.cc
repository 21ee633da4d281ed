// daemon/main/govd_org.cc: the `govd org import` subcommand.
#include "daemon/main/govd_org.h"

#include <boost/program_options.hpp>
#include <json/value.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "accounts/store/audit_seal.h"
#include "daemon/api/output_format.h"
#include "daemon/server/org_import.h"
#include "base/bounded_file.h"

namespace govd::daemon {
namespace {

namespace po = boost::program_options;

struct OrgArgs {
  std::string action;
  std::string file;
  std::string db;
  std::string tenant;
  std::string audit_key_file;    // as audit.key-file: the running govd's, so that its chain holds
  std::string audit_anchor_dir;  // as audit.anchor-dir
  bool dry_run = false;
  bool json = false;  // --output json: one JSON object on stdout instead of the lines
  bool help = false;
};

po::options_description OrgOptions() {
  po::options_description options("govd org import options");
  options.add_options()("db", po::value<std::string>(), "libpq conninfo of the database")(
      "tenant", po::value<std::string>(), "the tenant: the 12-digit account id of the govd that uses it")(
      "audit-key-file", po::value<std::string>(), "the govd's audit.key-file: MAC the audit rows written")(
      "audit-anchor-dir", po::value<std::string>(), "the govd's audit.anchor-dir (with --audit-key-file)")(
      "dry-run", "only say what would be created; write nothing")(
      "output", po::value<std::string>(), "text (the default) or json: one JSON object on stdout")(
      "json", "the same as --output json")("help,h", "show this help and exit");
  return options;
}

OrgArgs ParseOrgArgs(int argc, const char* const* argv) {
  po::options_description all = OrgOptions();
  all.add_options()("action", po::value<std::string>())("file", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("action", 1).add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  po::notify(vm);
  OrgArgs args;
  for (auto [key, slot] : {std::pair{"action", &args.action},
                           {"file", &args.file},
                           {"db", &args.db},
                           {"tenant", &args.tenant},
                           {"audit-key-file", &args.audit_key_file},
                           {"audit-anchor-dir", &args.audit_anchor_dir}}) {
    if (vm.count(key) != 0U) *slot = vm[key].as<std::string>();
  }
  args.dry_run = vm.count("dry-run") != 0U;
  Result<bool> json = ParseOutputFormat(vm.count("output") != 0U ? vm["output"].as<std::string>() : "text");
  if (!json) throw std::invalid_argument(json.error().message());
  args.json = *json || vm.count("json") != 0U;
  args.help = vm.count("help") != 0U;
  return args;
}

// Org files and the policy documents they name: regular files only, bounded (AWS caps a policy
// document at a few KiB; an organisation of thousands of accounts fits in a few MiB).
constexpr std::size_t kMaxOrgFileBytes = 16 << 20;
constexpr std::size_t kMaxDocumentBytes = 1 << 20;

Result<std::string> ReadText(const std::filesystem::path& path, std::size_t max_bytes,
                             std::string_view what) {
  GOVD_ASSIGN_OR_RETURN(BoundedFile file, ReadBoundedRegularFile(path.string(), max_bytes, what));
  return std::move(file.text);
}

// The file and the documents it names (relative to the file's folder), checked on their own.
Result<OrgSpec> LoadOrgFile(const std::string& path) {
  GOVD_ASSIGN_OR_RETURN(std::string text, ReadText(path, kMaxOrgFileBytes, "org file"));
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  auto spec = ParseOrgFile(text, [&folder](const std::string& document) {
    std::filesystem::path p(document);
    return ReadText(p.is_absolute() ? p : folder / p, kMaxDocumentBytes, "policy document");
  });
  if (!spec) return spec.error().WithContext(path);
  return spec;
}

Result<std::unique_ptr<accounts::Store>> OpenStore(const OrgArgs& args) {
  GOVD_ASSIGN_OR_RETURN(policy::AccountId tenant, policy::AccountId::Parse(args.tenant));
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  if (!args.audit_key_file.empty()) {
    std::string anchors = args.audit_anchor_dir.empty() ? "/var/lib/govd/" + tenant.str() + "/audit-anchors"
                                                        : args.audit_anchor_dir;
    GOVD_ASSIGN_OR_RETURN(options.audit_seal, accounts::AuditSeal::Open(args.audit_key_file, anchors));
  }
  auto store = accounts::Store::Open(args.db, {tenant.str(), "govd org import"}, options);
  if (!store) return store.error().WithContext("database");
  return store;
}

// What an import did, for --output json: the outcome ("unchanged", "dry-run", "imported",
// "refused", "stopped" or "error"), the lines of the text output, the counts and the error.
struct ImportReport {
  Json::Value json{Json::objectValue};

  explicit ImportReport(const OrgArgs& args) {
    json["file"] = args.file;
    json["tenant"] = args.tenant;
    json["changes"] = Json::Value(Json::arrayValue);
  }
  void Counts(const OrgImportPlan& plan) {
    json["created"] = plan.creations();
    json["updated"] = static_cast<Json::UInt64>(plan.role_updates.size());
    json["unchanged"] = plan.unchanged;
  }
};

int Import(const OrgArgs& args, std::ostream& out, std::ostream& err) {
  ImportReport report(args);
  // Text: each line as it happens. JSON: the lines gathered, one object printed at the end.
  auto line = [&](const std::string& prefix, const std::string& text) {
    if (args.json) {
      report.json["changes"].append(text);
    } else {
      out << prefix << text << "\n";
    }
  };
  auto finish = [&](std::string_view outcome, int code) {
    report.json["outcome"] = std::string(outcome);
    if (args.json) out << report.json.toStyledString();
    return code;
  };
  auto fail = [&](const Error& error, std::string_view what, std::string_view outcome) {
    err << "govd org import: " << what << error.ToString() << "\n";
    report.json["error"] = std::string(what) + error.ToString();
    return finish(outcome, 1);
  };
  auto spec = LoadOrgFile(args.file);
  if (!spec) return fail(spec.error(), "refused, nothing written: ", "refused");
  auto store = OpenStore(args);
  if (!store) return fail(store.error(), "", "error");
  auto stored = (*store)->ReadOrganisation();
  if (!stored) return fail(stored.error(), "", "error");
  auto plan = PlanOrgImport(*spec, *stored);
  if (!plan) return fail(plan.error().WithContext(args.file), "refused, nothing written: ", "refused");
  report.Counts(*plan);
  if (plan->changes() == 0) {
    if (!args.json) {
      out << "nothing to change: tenant " << args.tenant << " already holds all " << plan->unchanged
          << " elements of " << args.file << "\n";
    }
    return finish("unchanged", 0);
  }
  if (args.dry_run) {
    for (const auto& change : DescribeOrgImport(*plan)) line("would ", change);
    if (!args.json) {
      out << "dry run: " << plan->creations() << " to create, " << plan->role_updates.size() << " to update, "
          << plan->unchanged << " already present; nothing written\n";
    }
    return finish("dry-run", 0);
  }
  Status applied = ApplyOrgImport(**store, *plan, [&](const std::string& change) { line("done: ", change); });
  if (!applied) return fail(applied.error(), "stopped (run it again to finish): ", "stopped");
  if (!args.json) {
    out << "imported " << args.file << " into tenant " << args.tenant << ": " << plan->creations() << " created, ";
    if (!plan->role_updates.empty()) out << plan->role_updates.size() << " updated, ";
    out << plan->unchanged << " already present\n";
  }
  return finish("imported", 0);
}

}  // namespace

int RunOrgImportCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  OrgArgs args;
  try {
    args = ParseOrgArgs(argc, argv);
  } catch (const std::exception& e) {
    err << "govd org: " << e.what() << "\n";
    return 2;
  }
  if (args.help) {
    out << "usage: " << kOrgImportUsage << "\n\n" << OrgOptions();
    return 0;
  }
  if (args.action != "import" || args.file.empty() || args.db.empty() || args.tenant.empty()) {
    err << "govd org: usage: " << kOrgImportUsage << "\n";
    return 2;
  }
  return Import(args, out, err);
}

}  // namespace govd::daemon
