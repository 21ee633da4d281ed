#include "tests/daemon/support/child_world.h"

#include <chrono>
#include <stdexcept>

#include <unistd.h>

#include "accounts/aws/aws_endpoint.h"
#include "policy/engine/policy_canonical.h"
#include "tests/policy/json_text.h"

namespace govd::daemon::testing {
namespace {

std::string UniqueStem() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return "storm-" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1'000'000'000);
}

// Store times come from the real clock: govd, on the same database, compares them with its own.
std::unique_ptr<accounts::Store> OpenRealTimeStore(const std::string& conninfo, const std::string& actor) {
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  auto store = accounts::Store::Open(conninfo, {kWorldAccount, actor}, options);
  if (!store) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

Json::Value Statement(const std::string& sid, const std::string& effect, const Json::Value& principal,
                      const std::string& action, const std::string& resource) {
  Json::Value statement(Json::objectValue);
  statement["Sid"] = sid;
  statement["Effect"] = effect;
  statement["Principal"] = principal;
  statement["Action"] = action;
  statement["Resource"] = resource;
  return statement;
}

// Someone else's statements in the bucket's policy: an auditor's read of public/ and a Deny.
std::vector<Json::Value> ForeignStatements(const std::string& bucket) {
  Json::Value auditor(Json::objectValue);
  auditor["AWS"] = kCentralRoot;
  return {Statement("AuditorsReadPublic", "Allow", auditor, "s3:GetObject", "arn:aws:s3:::" + bucket + "/public/*"),
          Statement("NobodyDeletes", "Deny", "*", "s3:DeleteObject", "arn:aws:s3:::" + bucket + "/*")};
}

}  // namespace

Result<std::vector<accounts::Grant>> AllGrants(accounts::Store& store) {
  accounts::GrantFilter filter;
  filter.limit = 1000;
  return store.ListGrants(filter);
}

ChildWorld::ChildWorld(const std::string& server_conninfo, std::map<std::string, std::string> rgw_env, int buckets)
    : env_(std::move(rgw_env)), db_(std::make_unique<accounts::testing::TestDb>(server_conninfo)) {
  store_ = OpenRealTimeStore(db_->conninfo(), "uid:1000/admin");
  credentials_ = std::make_unique<accounts::StaticCredentialsProvider>(accounts::AwsCredentials{
      signer::Credentials(env_["RGW_LA1_ACCESS_KEY"], env_["RGW_LA1_SECRET_KEY"], ""), std::nullopt});
  auto endpoint = accounts::ParseEndpointUrl(env_["RGW_ENDPOINT"], "s3", "us-east-1");
  if (!endpoint) throw std::runtime_error(endpoint.error().ToString());
  s3_ = std::make_unique<accounts::S3Client>(*endpoint, accounts::AwsCallerDeps{transport_, retry_, time_, credentials_.get()},
                                             accounts::S3ClientOptions{.path_style = true});
  std::string stem = UniqueStem();
  auto owner = accounts::testing::Account(kWorldAccount);
  for (int i = 0; i < buckets; ++i) {
    WatchedBucket bucket{stem + "-" + std::to_string(i), kWorldAccount, ForeignStatements(stem + "-" + std::to_string(i))};
    if (i == 0) accounts::testing::SeedOrganisation(*store_, kWorldAccount, bucket.name);
    if (i > 0 && !store_->RegisterBucket(bucket.name, owner)) throw std::runtime_error("RegisterBucket failed");
    if (!s3_->CreateBucket({bucket.name, owner})) throw std::runtime_error("CreateBucket " + bucket.name + " failed");
    Json::Value document(Json::objectValue);
    document["Version"] = "2012-10-17";
    for (const auto& statement : bucket.foreign) document["Statement"].append(statement);
    auto put = s3_->PutBucketPolicy({bucket.name, owner}, policy::CompactJson(document));
    if (!put) throw std::runtime_error("PutBucketPolicy " + bucket.name + ": " + put.error().ToString());
    buckets_.push_back(std::move(bucket));
  }
}

int ChildWorld::rgw_port() const {
  const std::string& url = env_.at("RGW_ENDPOINT");
  return std::stoi(url.substr(url.rfind(':') + 1));
}

std::string ChildWorld::WriteConfig(const TempDir& dir, const std::string& s3_endpoint, const std::string& aws,
                                    const std::string& reconcile) const {
  std::string path = dir.File("govd.conf");
  WriteFile(path,
            "mode = child\naccount-id = " + std::string(kWorldAccount) + "\nregion = us-east-1\n"
            "[database]\nconninfo = " + db_->conninfo() + "\n"
            "[aws]\ns3-endpoint = " + s3_endpoint + "\naccess-key-id = " + env_.at("RGW_LA1_ACCESS_KEY") +
                "\nsecret-access-key = " + env_.at("RGW_LA1_SECRET_KEY") + "\n" + aws +
                "[reconcile]\n" + reconcile +
                "[control]\nsocket = " + dir.File("govd.sock") + "\nrole = uid:" + std::to_string(getuid()) + " admin\n",
            0600);
  return path;
}

std::int64_t ChildWorld::Grant(int index, const std::string& prefix, const std::string& grantee, bool approve) {
  accounts::GrantRequest request = accounts::testing::ReadRequest(prefix, buckets_.at(index).name);
  request.grantee = grantee;
  request.actions = accounts::GrantActions::kReadList;
  auto grant = store_->RequestGrant(request);
  if (!grant) throw std::runtime_error("RequestGrant: " + grant.error().ToString());
  if (approve && !store_->ApproveGrant(grant->id)) throw std::runtime_error("ApproveGrant failed");
  return grant->id;
}

Result<std::optional<std::string>> ChildWorld::ReadPolicy(const std::string& bucket) {
  auto text = s3_->GetBucketPolicy({bucket, accounts::testing::Account(kWorldAccount)});
  if (text) return std::optional<std::string>(*text);
  if (text.error().code() == ErrorCode::kNotFound) return std::optional<std::string>();
  return text.error();
}

void ChildWorld::ReopenStore() { store_ = OpenRealTimeStore(db_->conninfo(), "uid:1000/admin"); }

std::optional<std::string> ChildWorld::FirstDifference(std::size_t count) {
  auto grants = AllGrants(*store_);
  if (!grants) return grants.error().ToString();
  for (std::size_t i = 0; i < count && i < buckets_.size(); ++i) {
    const WatchedBucket& bucket = buckets_[i];
    auto text = ReadPolicy(bucket.name);
    if (!text) return bucket.name + ": " + text.error().ToString();
    Json::Value actual = *text ? policy::testing::JsonOf(**text) : Json::Value();
    Json::Value desired = DesiredPolicy(bucket, *grants);
    std::string want = desired.isNull() ? "null" : policy::CompactJson(policy::CanonicalPolicy(desired));
    std::string have = actual.isNull() ? "null" : policy::CompactJson(policy::CanonicalPolicy(actual));
    if (want != have) return bucket.name + ": has " + have + "\nwants " + want;
  }
  return std::nullopt;
}

std::unique_ptr<PolicyWatcher> ChildWorld::StartWatcher(std::vector<std::string> prefixes) {
  prefixes.insert(prefixes.end(), {"secret/", "public/", ""});
  std::shared_ptr<accounts::Store> store = OpenRealTimeStore(db_->conninfo(), "uid:1000/watcher");
  return std::make_unique<PolicyWatcher>(
      buckets_, std::vector<std::string>{kCentralUser, "arn:aws:iam::111111111111:user/other",
                                         "arn:aws:iam::333333333333:user/outsider"},
      std::move(prefixes), [this](const std::string& bucket) { return ReadPolicy(bucket); },
      [store] { return AllGrants(*store); }, std::chrono::seconds(30));
}

}  // namespace govd::daemon::testing
