#include "tests/daemon/support/policy_watcher.h"

#include <json/reader.h>

#include <algorithm>
#include <memory>

#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"

namespace govd::daemon::testing {
namespace {

using accounts::GrantState;
using SteadyTime = std::chrono::steady_clock::time_point;

bool IsDesired(const accounts::Grant& grant) {
  return grant.state == GrantState::kApproved || grant.state == GrantState::kApplying ||
         grant.state == GrantState::kActive;
}

Json::Value ParseJson(const std::string& text) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors)) return Json::Value();
  return value;
}

// The evaluator's view of one bucket policy, for a principal whose own identity policy allows
// everything: the decision then depends on the bucket policy alone. Null document: no policy.
class BucketView {
 public:
  explicit BucketView(const Json::Value& document) {
    if (document.isNull()) return;
    auto resource = policy::ParsePolicyValue(document, policy::PolicyKind::kResource);
    auto identity = policy::ParsePolicyValue(ParseJson(R"({"Version":"2012-10-17","Statement":[)"
                                                       R"({"Effect":"Allow","Action":"*","Resource":"*"}]})"),
                                             policy::PolicyKind::kIdentity);
    if (!resource || !identity) {
      error_ = !resource ? resource.error().ToString() : identity.error().ToString();
      return;
    }
    policy::PolicySet set;
    set.resource = policy::NamedPolicy{"bucket policy", *std::move(resource)};
    set.identity.push_back({"allow everything", *std::move(identity)});
    compiled_ = std::make_unique<policy::CompiledPolicySet>(std::move(set));
  }
  const std::string& error() const { return error_; }
  bool Allows(const policy::AuthzRequest& request) const {
    if (!compiled_) return false;
    auto evaluation = compiled_->Evaluate(request);
    return evaluation && evaluation->decision == policy::Decision::kAllow;
  }

 private:
  std::unique_ptr<policy::CompiledPolicySet> compiled_;
  std::string error_;
};

}  // namespace

Json::Value DesiredPolicy(const WatchedBucket& bucket, const std::vector<accounts::Grant>& grants) {
  std::vector<policy::BucketShare> shares;
  for (const auto& grant : grants) {
    if (grant.bucket == bucket.name && IsDesired(grant)) {
      shares.push_back({grant.bucket, grant.prefix, grant.grantee, grant.actions == accounts::GrantActions::kReadList});
    }
  }
  Json::Value foreign(Json::objectValue);
  foreign["Version"] = "2012-10-17";
  foreign["Statement"] = Json::Value(Json::arrayValue);
  for (const auto& statement : bucket.foreign) foreign["Statement"].append(statement);
  auto managed = policy::RenderBucketStatements(shares);
  if (!managed) return Json::Value("cannot render: " + managed.error().ToString());
  auto composed = policy::ComposeBucketPolicy(bucket.foreign.empty() ? Json::Value() : foreign, *managed);
  return composed ? *composed : Json::Value("cannot compose: " + composed.error().ToString());
}

std::vector<std::string> ForeignTexts(const Json::Value& document) {
  std::vector<std::string> texts;
  for (const auto& statement : policy::SplitByOwner(document).foreign) {
    texts.push_back(policy::CanonicalStatementText(statement));
  }
  std::sort(texts.begin(), texts.end());
  return texts;
}

PolicyWatcher::PolicyWatcher(std::vector<WatchedBucket> buckets, std::vector<std::string> principals,
                             std::vector<std::string> prefixes, ReadPolicy read_policy, ReadGrants read_grants,
                             std::chrono::seconds window)
    : buckets_(std::move(buckets)),
      principals_(std::move(principals)),
      prefixes_(std::move(prefixes)),
      read_policy_(std::move(read_policy)),
      read_grants_(std::move(read_grants)),
      window_(window),
      thread_([this] { Run(); }) {}

PolicyWatcher::~PolicyWatcher() { Stop(); }

void PolicyWatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> PolicyWatcher::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

void PolicyWatcher::Violation(std::string what) {
  std::lock_guard lock(mutex_);
  if (violations_.size() < 100) violations_.push_back(std::move(what));
}

// One round: the grants, every bucket's policy, the grants again; then the checks. A round whose
// reads fail (the database or the server is down on purpose) is skipped.
void PolicyWatcher::Run() {
  while (!stop_) {
    auto before = read_grants_();
    if (before) Remember(*before, std::chrono::steady_clock::now());
    std::vector<std::pair<const WatchedBucket*, std::optional<Json::Value>>> sampled;
    SteadyTime when = std::chrono::steady_clock::now();
    for (const auto& bucket : buckets_) {
      auto text = read_policy_(bucket.name);
      if (!text) continue;
      sampled.emplace_back(&bucket, *text ? ParseJson(**text) : Json::Value());
    }
    auto after = read_grants_();
    if (!before || !after) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    Remember(*after, std::chrono::steady_clock::now());
    for (const auto& [bucket, sample] : sampled) Check(*bucket, *sample, when);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void PolicyWatcher::Remember(const std::vector<accounts::Grant>& grants, SteadyTime when) {
  for (const auto& grant : grants) {
    if (IsDesired(grant)) seen_.insert_or_assign(grant.id, std::make_pair(grant, when));
  }
}

std::vector<accounts::Grant> PolicyWatcher::RecentlyDesired(SteadyTime sampled) const {
  std::vector<accounts::Grant> grants;
  for (const auto& [id, entry] : seen_) {
    if (entry.second + window_ >= sampled) grants.push_back(entry.first);
  }
  return grants;
}

std::vector<PolicyWatcher::Probe> PolicyWatcher::ProbesOf(const std::string& bucket) const {
  std::vector<Probe> probes;
  std::string arn = "arn:aws:s3:::" + bucket;
  for (const auto& principal : principals_) {
    probes.push_back({principal, "s3:ListBucket", arn, std::nullopt});
    for (const auto& prefix : prefixes_) {
      probes.push_back({principal, "s3:GetObject", arn + "/" + prefix + "k.csv", std::nullopt});
      probes.push_back({principal, "s3:ListBucket", arn, prefix});
    }
  }
  return probes;
}

void PolicyWatcher::Check(const WatchedBucket& bucket, const Json::Value& sample, SteadyTime when) {
  long number = ++samples_;
  Json::Value& previous = previous_[bucket.name];
  BucketView now(sample);
  BucketView before(previous);
  BucketView desired(DesiredPolicy(bucket, RecentlyDesired(when)));
  std::string where = "bucket " + bucket.name + ", sample " + std::to_string(number) + ": ";
  if (!now.error().empty()) Violation(where + "the policy does not parse: " + now.error());
  Json::Value foreign_only(Json::objectValue);
  for (const auto& statement : bucket.foreign) foreign_only["Statement"].append(statement);
  if (ForeignTexts(sample) != ForeignTexts(foreign_only)) {  // a deleted policy lost them too
    Violation(where + "foreign statements lost or changed: " + policy::CompactJson(sample));
  }
  for (const Probe& probe : ProbesOf(bucket.name)) {
    policy::AuthzRequest request{probe.principal, probe.action, probe.resource, bucket.owner, {}};
    if (probe.s3_prefix) request.context.Set("s3:prefix", *probe.s3_prefix);
    ++probes_;
    if (now.Allows(request) && !before.Allows(request) && !desired.Allows(request)) {
      Violation(where + probe.principal + " " + probe.action + " " + probe.resource +
                (probe.s3_prefix ? " prefix=" + *probe.s3_prefix : "") + " is allowed by neither the previous " +
                "sample nor the desired state: " + policy::CompactJson(sample));
    }
  }
  previous = sample;
}

}  // namespace govd::daemon::testing
