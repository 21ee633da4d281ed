// Bad input is refused with a clear error and writes nothing (no grant, no audit row).
#include <gtest/gtest.h>

#include "test_db.h"

namespace govd::accounts {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
using testing::FakeClock;
using testing::ReadRequest;
using testing::TestDb;

class InputTest : public testing::SeededStoreTest {
 protected:
  void SetUp() override {
    SeededStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Another tenant's child account and bucket in the same database.
    auto other = testing::OpenStore(db_->conninfo(), "la-york", clock_);
    ASSERT_TRUE(other->CreateRoot("r-york", "York"));
    ASSERT_TRUE(other->RegisterAccount(
        {testing::Account("333333333333"), "york", AccountKind::kChild, "r-york"}));
    ASSERT_TRUE(other->RegisterBucket("york-data", testing::Account("333333333333")));
  }

  std::int64_t Written() const {
    return db_->Count("SELECT (SELECT count(*) FROM govd.grants) + "
                      "(SELECT count(*) FROM govd.audit_log) + "
                      "(SELECT count(*) FROM govd.guardrails)");
  }

  // Expects the request to fail with `code`, a message containing `says`, and no write.
  void ExpectRefused(const GrantRequest& r, ErrorCode code, const std::string& says) {
    std::int64_t before = Written();
    auto g = store_->RequestGrant(r);
    ASSERT_FALSE(g) << "accepted: " << r.bucket << "/" << r.prefix;
    EXPECT_EQ(g.error().code(), code) << g.error().ToString();
    EXPECT_NE(g.error().ToString().find(says), std::string::npos) << g.error().ToString();
    EXPECT_EQ(Written(), before);
  }

};

TEST_F(InputTest, UnknownAccountId) {
  GrantRequest r = ReadRequest();
  r.owner = testing::Account("444444444444");
  ExpectRefused(r, ErrorCode::kNotFound, "account 444444444444 is not a known child account");
}

TEST_F(InputTest, AccountOfAnotherTenant) {
  GrantRequest r = ReadRequest("x/", "york-data");
  r.owner = testing::Account("333333333333");
  ExpectRefused(r, ErrorCode::kNotFound, "333333333333 is not a known child account of tenant la-leeds");
}

// Another tenant's bucket is as unknown as a bucket that does not exist: not found, with the
// buckets the owner has, and nothing of the other tenant's.
TEST_F(InputTest, BucketNotOwnedByTheRequestingTenant) {
  ExpectRefused(ReadRequest("x/", "york-data"), ErrorCode::kNotFound,
                "bucket \"york-data\" is not a bucket of account 222222222222 in tenant la-leeds; its buckets: "
                "la-data");
  ExpectRefused(ReadRequest("x/", "no-such-bucket"), ErrorCode::kNotFound,
                "\"no-such-bucket\" is not a bucket of account 222222222222 in tenant la-leeds; its buckets: la-data");
}

TEST_F(InputTest, TraversalOrAbsolutePrefix) {
  ExpectRefused(ReadRequest("../secrets/"), ErrorCode::kInvalidArgument, "\"..\" segment");
  ExpectRefused(ReadRequest("reports/../secrets/"), ErrorCode::kInvalidArgument, "\"..\" segment");
  ExpectRefused(ReadRequest("/reports/"), ErrorCode::kInvalidArgument, "starts with '/'");
}

TEST_F(InputTest, ExpiryInThePast) {
  GrantRequest r = ReadRequest();
  r.expires_at = clock_.Now() - 1s;
  ExpectRefused(r, ErrorCode::kInvalidArgument, "is not in the future");
  r.expires_at = clock_.Now();
  ExpectRefused(r, ErrorCode::kInvalidArgument, "expires_at");
}

TEST_F(InputTest, InvalidPrincipalArn) {
  for (const char* bad : {"not-an-arn", "arn:aws:iam::12345:role/reader",
                          "arn:aws:s3:::la-data", "arn:aws:iam::111111111111:group/x"}) {
    GrantRequest r = ReadRequest();
    r.grantee = bad;
    ExpectRefused(r, ErrorCode::kInvalidArgument, std::string("grantee \"") + bad + "\"");
  }
}

// Issue 16: a wildcard grantee, once approved, could not be rendered into the bucket policy and
// held up every revoke of its bucket. The door refuses it, naming the field.
TEST_F(InputTest, WildcardGrantee) {
  for (const char* bad : {"arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:user/c?ntral"}) {
    GrantRequest r = ReadRequest();
    r.grantee = bad;
    ExpectRefused(r, ErrorCode::kInvalidArgument, std::string("grantee \"") + bad + "\" contains a wildcard");
    auto refused = store_->RequestGrant(r);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().where(), "grantee");
  }
}

TEST_F(InputTest, MissingReason) {
  GrantRequest r = ReadRequest();
  r.reason.clear();
  ExpectRefused(r, ErrorCode::kInvalidArgument, "needs a reason");
}

TEST_F(InputTest, GuardrailThatIsNotValidIamJson) {
  const std::string valid =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket",)"
      R"("Resource":"*"}]})";
  auto ok = store_->AttachGuardrail({GuardrailTarget::kOu, "ou-las", "no-delete", valid});
  ASSERT_TRUE(ok) << ok.error().ToString();
  struct Case {
    std::string doc;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"Version\":", "not a valid SCP"},
           {R"({"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]})",
            "/Statement/0/Effect"},
           {R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})",
            "/Statement/0/Principal"}}) {
    std::int64_t before = Written();
    auto g = store_->AttachGuardrail({GuardrailTarget::kRoot, "r-root", "bad", c.doc});
    ASSERT_FALSE(g) << c.doc;
    EXPECT_NE(g.error().ToString().find(c.says), std::string::npos) << g.error().ToString();
    EXPECT_EQ(Written(), before);
  }
  auto missing = store_->AttachGuardrail({GuardrailTarget::kAccount, "999999999999", "x", valid});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListGuardrails()->size(), 1U);
}

TEST_F(InputTest, FailedTransactionLeavesNothing) {
  std::int64_t before = Written();
  // The account row would be a duplicate: the INSERT fails after the OU check passed.
  Status dup = store_->RegisterAccount(
      {testing::Account(testing::kChild), "again", AccountKind::kChild, "ou-las"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists) << dup.error().ToString();
  EXPECT_EQ(Written(), before);
  EXPECT_FALSE(store_->RegisterBucket("Bad_Bucket", testing::Account(testing::kChild)));
  EXPECT_FALSE(store_->DeclarePrefix("la-data", "../x", std::nullopt));
  EXPECT_FALSE(store_->CreateOu("ou-x", "no-such-parent", "x"));
  EXPECT_EQ(Written(), before);
}

TEST_F(InputTest, StoreRefusesBadContext) {
  StoreOptions options;
  options.clock = &clock_;
  auto bad_tenant = Store::Open(db_->conninfo(), {"Bad Tenant", "uid:1"}, options);
  ASSERT_FALSE(bad_tenant);
  EXPECT_EQ(bad_tenant.error().where(), "tenant");
  auto no_clock = Store::Open(db_->conninfo(), {"la-leeds", "uid:1"}, StoreOptions{});
  ASSERT_FALSE(no_clock);
  auto unreachable = Store::Open("host=127.0.0.1 port=1 user=x password=secret-pw dbname=x connect_timeout=2",
                                 {"la-leeds", "uid:1"}, options);
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(unreachable.error().ToString().find("secret-pw"), std::string::npos);
}

}  // namespace
}  // namespace govd::accounts
