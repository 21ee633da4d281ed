// DeriveGrantConditions: what Ready / Progressing / Failed say in each lifecycle state, and when
// each last changed, read from the grant's history.
#include "daemon/server/grant_conditions.h"

#include <gtest/gtest.h>

#include <vector>

namespace govd::daemon {
namespace {

using accounts::GrantState;
using std::chrono::seconds;

const accounts::TimePoint kT0{seconds(1'800'000'000)};

accounts::Grant GrantIn(GrantState state, std::int64_t generation, std::string reason = "") {
  accounts::Grant grant;
  grant.id = 7;
  grant.state = state;
  grant.generation = generation;
  grant.state_reason = std::move(reason);
  grant.updated_at = kT0 + seconds(999);
  return grant;
}

const GrantCondition& Find(const std::vector<GrantCondition>& conditions, std::string_view type) {
  for (const auto& condition : conditions) {
    if (condition.type == type) return condition;
  }
  ADD_FAILURE() << "no condition " << type;
  return conditions.front();
}

TEST(GrantConditionsTest, EachStateSetsTheThreeConditions) {
  struct Case {
    GrantState state;
    bool ready, progressing, failed;
    std::string_view reason;
  };
  const Case cases[] = {
      {GrantState::kRequested, false, false, false, "AwaitingApproval"},
      {GrantState::kApproved, false, true, false, "WaitingForReconcile"},
      {GrantState::kApplying, false, true, false, "Applying"},
      {GrantState::kActive, true, false, false, "Active"},
      {GrantState::kRevoking, false, true, false, "Revoking"},
      {GrantState::kRevoked, false, false, false, "Revoked"},
      {GrantState::kRejected, false, false, false, "Rejected"},
      {GrantState::kExpired, false, false, false, "Expired"},
      {GrantState::kFailed, false, false, true, "Failed"},
  };
  for (const Case& c : cases) {
    auto conditions = DeriveGrantConditions(GrantIn(c.state, 4), {});
    ASSERT_EQ(conditions.size(), 3U);
    SCOPED_TRACE(std::string(accounts::GrantStateName(c.state)));
    EXPECT_EQ(Find(conditions, "Ready").status, c.ready);
    EXPECT_EQ(Find(conditions, "Progressing").status, c.progressing);
    EXPECT_EQ(Find(conditions, "Failed").status, c.failed);
    for (const auto& condition : conditions) {
      EXPECT_EQ(condition.reason, c.reason);
      EXPECT_EQ(condition.observed_generation, 4);
      EXPECT_EQ(condition.last_transition, kT0 + seconds(999)) << "no history: updated_at stands in";
    }
  }
}

TEST(GrantConditionsTest, LastTransitionIsWhenTheStatusLastChanged) {
  const std::vector<GrantEvent> history{{kT0, GrantState::kRequested},
                                        {kT0 + seconds(10), GrantState::kApproved},
                                        {kT0 + seconds(20), GrantState::kApplying},
                                        {kT0 + seconds(30), GrantState::kActive},
                                        {kT0 + seconds(40), GrantState::kRevoking}};
  auto conditions = DeriveGrantConditions(GrantIn(GrantState::kRevoking, 5), history);
  EXPECT_EQ(Find(conditions, "Ready").last_transition, kT0 + seconds(40));        // True -> False at revoke
  EXPECT_EQ(Find(conditions, "Progressing").last_transition, kT0 + seconds(40));  // False (active) -> True
  EXPECT_EQ(Find(conditions, "Failed").last_transition, kT0);                     // False all along
  auto active = DeriveGrantConditions(GrantIn(GrantState::kActive, 4), std::span(history).first(4));
  EXPECT_EQ(Find(active, "Ready").last_transition, kT0 + seconds(30));
  auto applying = DeriveGrantConditions(GrantIn(GrantState::kApplying, 3), std::span(history).first(3));
  EXPECT_EQ(Find(applying, "Progressing").last_transition, kT0 + seconds(10)) << "Progressing since approval";
}

TEST(GrantConditionsTest, MessageCarriesTheStateReason) {
  auto failed = DeriveGrantConditions(GrantIn(GrantState::kFailed, 6, "grantee deleted"), {});
  EXPECT_NE(Find(failed, "Failed").message.find("grantee deleted"), std::string::npos);
  auto stale = DeriveGrantConditions(GrantIn(GrantState::kActive, 4), std::vector<GrantEvent>{{kT0, GrantState::kApproved}});
  EXPECT_EQ(Find(stale, "Ready").last_transition, kT0 + seconds(999)) << "history behind the grant: updated_at";
}

}  // namespace
}  // namespace govd::daemon
