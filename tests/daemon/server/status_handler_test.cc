// GET /v1/status without a daemon around it: what is failing now is listed with its reason (the
// pass, each failing bucket, each grant a reconcile failed), from the state the wiring keeps.
#include "daemon/server/api_handlers.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/base/fake_clock.h"

namespace govd::daemon {
namespace {

class StatusHandlerTest : public ::testing::Test {
 protected:
  Result<ApiResponse> Status() {
    ApiRequest request;
    request.caller.role = Role::kAuditor;
    return MakeStatusHandler(config_, state_, scheduler_)(request);
  }

  boost::asio::io_context io_;
  testing::FixedRandom half_{0.5};
  ReconcileScheduler scheduler_{io_, [](const ReconcileScheduler::PassDone& done) { done(); }, half_};
  Config config_{*policy::AccountId::Parse("111122223333"), *RoleMap::Build({}, "control.role")};
  ServiceState state_;
};

TEST_F(StatusHandlerTest, NothingFailingListsNothing) {
  auto status = Status();
  ASSERT_TRUE(status) << status.error().ToString();
  const Json::Value& errors = status->body["errors"];
  EXPECT_TRUE(errors["pass"].isNull());
  EXPECT_EQ(errors["failing_buckets"].asUInt64(), 0U);
  EXPECT_TRUE(errors["buckets"].empty());
  EXPECT_TRUE(errors["failed_grants"].isObject());
  EXPECT_TRUE(errors["failed_grants"].empty());
}

TEST_F(StatusHandlerTest, FailingPassBucketsAndFailedGrantsAreListedWithTheirReasons) {
  state_.pass_error = "unavailable: the database does not answer";
  state_.bucket_errors["la-data"] = "failed: the policy would pass 20 KB";
  state_.failed_grants[7] = "tenant 222222222222, bucket la-data";
  state_.failed_grants[12] = "tenant 333333333333, bucket york-data";
  auto status = Status();
  ASSERT_TRUE(status) << status.error().ToString();
  const Json::Value& errors = status->body["errors"];
  EXPECT_EQ(errors["pass"].asString(), "unavailable: the database does not answer");
  EXPECT_EQ(errors["failing_buckets"].asUInt64(), 1U);
  EXPECT_EQ(errors["buckets"]["la-data"].asString(), "failed: the policy would pass 20 KB");
  ASSERT_EQ(errors["failed_grants"].size(), 2U);
  EXPECT_EQ(errors["failed_grants"]["7"].asString(), "failed: tenant 222222222222, bucket la-data");
  EXPECT_EQ(errors["failed_grants"]["12"].asString(), "failed: tenant 333333333333, bucket york-data");
}

}  // namespace
}  // namespace govd::daemon
