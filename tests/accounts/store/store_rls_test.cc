// Tenant isolation: two tenants, two database roles; neither the Store nor hand-written SQL of
// one tenant's role can read or change the other's rows.
#include <gtest/gtest.h>

#include "test_db.h"

namespace govd::accounts {
namespace {

using testing::FakeClock;
using testing::TestDb;

class RlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<TestDb>(server_);
    role_a_ = db_->CreateTenantRole("a", "la-leeds");
    role_b_ = db_->CreateTenantRole("b", "la-york");
    a_ = testing::OpenStore(db_->RoleConninfo(role_a_), "la-leeds", clock_);
    b_ = testing::OpenStore(db_->RoleConninfo(role_b_), "la-york", clock_);
    testing::SeedOrganisation(*a_);
    testing::SeedOrganisation(*b_, "333333333333", "york-data");
    grant_a_ = *a_->RequestGrant(testing::ReadRequest());
    GrantRequest rb = testing::ReadRequest("x/", "york-data");
    rb.owner = testing::Account("333333333333");
    grant_b_ = *b_->RequestGrant(rb);
  }

  // Hand-written SQL as tenant A's role.
  pqxx::result AsA(const std::string& sql) {
    pqxx::connection c(db_->RoleConninfo(role_a_));
    pqxx::work tx(c);
    pqxx::result r = tx.exec(sql);
    tx.commit();
    return r;
  }
  // True when hand-written SQL as A is refused by a privilege check or a row-level policy.
  // (libpqxx 6.4 leaves sqlstate() empty for some exception classes: match the message.)
  bool AsAIsRefused(const std::string& sql) {
    try {
      AsA(sql);
      return false;
    } catch (const pqxx::sql_error& e) {
      std::string what = e.what();
      return what.find("permission denied") != std::string::npos ||
             what.find("row-level security") != std::string::npos ||
             what.find("must be owner") != std::string::npos;
    }
  }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<TestDb> db_;
  std::string role_a_;
  std::string role_b_;
  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
  Grant grant_a_;
  Grant grant_b_;
};

TEST_F(RlsTest, StoreSeesOnlyItsTenant) {
  EXPECT_EQ(a_->ListGrants({})->size(), 1U);
  EXPECT_EQ(a_->GetGrant(grant_b_.id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(a_->ApproveGrant(grant_b_.id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(b_->GetGrant(grant_b_.id)->state, GrantState::kRequested);
}

TEST_F(RlsTest, GrantCountsAreTheTenantsOwn) {
  ASSERT_TRUE(b_->ApproveGrant(grant_b_.id));
  auto a_counts = a_->CountGrantsByState();
  ASSERT_TRUE(a_counts) << a_counts.error().ToString();
  EXPECT_EQ(*a_counts, (std::map<GrantState, std::int64_t>{{GrantState::kRequested, 1}}));
  auto b_counts = b_->CountGrantsByState();
  ASSERT_TRUE(b_counts) << b_counts.error().ToString();
  EXPECT_EQ(*b_counts, (std::map<GrantState, std::int64_t>{{GrantState::kApproved, 1}}));
  auto fake_b = testing::OpenStore(db_->RoleConninfo(role_a_), "la-york", clock_);
  EXPECT_TRUE(fake_b->CountGrantsByState()->empty());
}

TEST_F(RlsTest, StoreOfRoleAClaimingTenantBSeesAndWritesNothing) {
  auto fake_b = testing::OpenStore(db_->RoleConninfo(role_a_), "la-york", clock_);
  EXPECT_TRUE(fake_b->ListGrants({})->empty());
  EXPECT_FALSE(fake_b->GetGrant(grant_b_.id));
  GrantRequest rb = testing::ReadRequest("y/", "york-data");
  rb.owner = testing::Account("333333333333");
  EXPECT_FALSE(fake_b->RequestGrant(rb));
  Status root = fake_b->CreateRoot("r-evil", "evil");
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code(), ErrorCode::kPermissionDenied) << root.error().ToString();
  EXPECT_NE(root.error().message().find("row-level security"), std::string::npos)
      << root.error().message();
  EXPECT_EQ(fake_b->AuditLog(0, 100)->size(), 0U);
}

TEST_F(RlsTest, HandWrittenSqlCannotCrossTenants) {
  EXPECT_EQ(AsA("SELECT count(*) FROM govd.grants")[0][0].as<int>(), 1);
  EXPECT_EQ(AsA("SELECT DISTINCT tenant FROM govd.audit_log")[0][0].as<std::string>(), "la-leeds");
  EXPECT_EQ(AsA("SELECT count(*) FROM govd.buckets WHERE bucket = 'york-data'")[0][0].as<int>(), 0);
  EXPECT_EQ(AsA("UPDATE govd.grants SET state = 'revoked' WHERE grant_id = " +
                std::to_string(grant_b_.id))
                .affected_rows(),
            0U);
  EXPECT_TRUE(AsAIsRefused("UPDATE govd.grants SET tenant = 'la-york' WHERE grant_id = " +
                     std::to_string(grant_a_.id)))
      << "moving a row to another tenant must fail";
  EXPECT_TRUE(AsAIsRefused("INSERT INTO govd.ous (tenant, ou_id, name) VALUES ('la-york', 'r2', 'x')"));
  // No session setting to flip, and no way to become B's role or edit the mapping.
  EXPECT_EQ(AsA("SET govd.tenant = 'la-york'; SELECT count(*) FROM govd.grants")[0][0].as<int>(),
            1);
  EXPECT_TRUE(AsAIsRefused("SET ROLE " + role_b_));
  EXPECT_TRUE(AsAIsRefused("INSERT INTO govd.tenant_roles VALUES (current_user, 'la-york')"));
  EXPECT_TRUE(AsAIsRefused("UPDATE govd.audit_log SET actor = 'x'"));
  EXPECT_TRUE(AsAIsRefused("DELETE FROM govd.grants"));
  EXPECT_TRUE(AsAIsRefused("ALTER TABLE govd.grants DISABLE ROW LEVEL SECURITY"));
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.grants WHERE tenant = 'la-york' AND "
                       "state = 'requested'"),
            1);
}

// Issue 16: foreign keys are checked without row-level security, so A's role could insert an
// approved grant on B's bucket (no audit row). Migration 0004's composite keys refuse it.
TEST_F(RlsTest, GrantOnAnotherTenantsBucketIsRefusedBySchema) {
  auto insert = [](const std::string& owner, const std::string& bucket) {
    return "INSERT INTO govd.grants (tenant, owner_account, bucket, prefix, grantee, actions, requested_by, "
           "reason, state, created_at, updated_at) VALUES ('la-leeds', '" +
           owner + "', '" + bucket + "', 'x/', '" + testing::kReader +
           "', 'read', 'sql', 'r', 'approved', now(), now())";
  };
  auto refused = [&](const std::string& sql) {
    try {
      AsA(sql);
      return std::string();
    } catch (const pqxx::sql_error& e) {
      return std::string(e.what());
    }
  };
  for (const std::string& owner : {std::string(testing::kChild), std::string(testing::kCentral)}) {
    std::string error = refused(insert(owner, "york-data"));
    EXPECT_NE(error.find("grants_bucket_of_tenant"), std::string::npos) << owner << ": " << error;
  }
  std::string prefix =
      refused("INSERT INTO govd.prefixes (bucket, prefix, tenant) VALUES ('york-data', 'p/', 'la-leeds')");
  EXPECT_NE(prefix.find("prefixes_bucket_of_tenant"), std::string::npos) << prefix;
  EXPECT_EQ(refused(insert(testing::kChild, "la-data")), "") << "A's own bucket still works";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.grants WHERE bucket = 'york-data'"), 1)
      << "only B's own grant";
}

TEST_F(RlsTest, FindingsAreIsolated) {
  std::string resource = "arn:aws:s3:::la-data";
  policy::Finding f{policy::FindingId(policy::FindingType::kPublicAccess, resource, "*", "s"),
                    policy::FindingType::kPublicAccess, policy::FindingSeverity::kCritical, resource, "*", "s", "m"};
  ASSERT_TRUE(a_->RefreshFindings(std::vector{f}));
  EXPECT_TRUE(b_->ListFindings(std::nullopt)->empty());
  EXPECT_EQ(b_->ArchiveFinding(f.id, "not mine").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(b_->UnarchiveFinding(f.id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(b_->RefreshFindings(std::vector<policy::Finding>{}));  // resolves nothing of A's
  EXPECT_EQ(a_->ListFindings(FindingStatus::kActive)->size(), 1U);
  EXPECT_EQ(b_->ListFindings(std::nullopt)->size(), 0U);
  EXPECT_TRUE(AsA("SELECT * FROM govd.findings WHERE tenant = 'la-york'").empty());
}

TEST_F(RlsTest, ArchiveRulesAreIsolated) {
  ASSERT_TRUE(a_->CreateArchiveRule({"public-site", policy::FindingType::kPublicAccess, "la-data", "", "website"}));
  EXPECT_TRUE(b_->ListArchiveRules()->empty());
  EXPECT_EQ(b_->DeleteArchiveRule("public-site").error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(b_->CreateArchiveRule({"public-site", policy::FindingType::kPublicAccess, "", "", "B's own"}))
      << "names are per tenant";
  // A's rule archives nothing of B's.
  std::string resource = "arn:aws:s3:::la-data";
  policy::Finding f{policy::FindingId(policy::FindingType::kPublicAccess, resource, "*", "s"),
                    policy::FindingType::kPublicAccess, policy::FindingSeverity::kCritical, resource, "*", "s", "m"};
  ASSERT_TRUE(a_->RefreshFindings(std::vector{f}));
  EXPECT_EQ(a_->ListFindings(FindingStatus::kArchived)->at(0).archive_reason, "archive rule public-site: website");
  EXPECT_EQ(a_->ListArchiveRules()->size(), 1U);
  EXPECT_TRUE(AsA("SELECT * FROM govd.finding_archive_rules WHERE tenant = 'la-york'").empty());
}

TEST_F(RlsTest, RolesAreIsolated) {
  RoleRecord role{"arn:aws:iam::222222222222:role/reader",
                  R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},)"
                  R"("Action":"sts:AssumeRole"}]})",
                  {},
                  std::nullopt};
  ASSERT_TRUE(a_->RecordRole(role));
  EXPECT_EQ(b_->ReadOrganisation()->roles.size(), 0U);
  EXPECT_EQ(b_->RecordRole(role).error().code(), ErrorCode::kNotFound) << "222222222222 is not an account of B";
  EXPECT_TRUE(AsA("SELECT * FROM govd.roles WHERE tenant = 'la-york'").empty());
  EXPECT_EQ(AsA("UPDATE govd.roles SET trust_policy = '{}' WHERE tenant = 'la-york'").affected_rows(), 0U);
  EXPECT_EQ(b_->ReplaceRole(role).error().code(), ErrorCode::kNotFound) << "B cannot replace A's role";
  EXPECT_TRUE(AsAIsRefused("INSERT INTO govd.roles (tenant, arn, account_id, trust_policy, identity_policies, "
                           "created_at) VALUES ('la-york', 'arn:aws:iam::333333333333:role/x', '333333333333', "
                           "'{}', '[]', now())"));
  ASSERT_EQ(a_->ReadOrganisation()->roles.size(), 1U);
  EXPECT_EQ(a_->ReadOrganisation()->roles[0].trust, role.trust);
}

}  // namespace
}  // namespace govd::accounts
