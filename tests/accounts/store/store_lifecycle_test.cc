// Grant lifecycle on a real PostgreSQL: every legal and illegal transition through the Store,
// expiry and in-flight deadlines on Sweep(), embargoes, NOTIFY.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "accounts/store/grant_listener.h"
#include "accounts/store/pg.h"
#include "test_db.h"

namespace govd::accounts {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
using S = GrantState;
using testing::FakeClock;
using testing::ReadRequest;
using testing::TestDb;

class LifecycleTest : public testing::SeededStoreTest {
 protected:
  Grant Request(GrantRequest r = ReadRequest()) {
    auto g = store_->RequestGrant(r);
    EXPECT_TRUE(g) << g.error().ToString();
    return *g;
  }

  // A new grant brought to `state` along legal transitions.
  Grant DriveTo(S state) {
    GrantRequest r = ReadRequest();
    if (state == S::kExpired) r.expires_at = clock_.Now() + 1h;
    Grant g = Request(r);
    auto step = [&](Result<Grant> next) {
      EXPECT_TRUE(next) << next.error().ToString();
      g = *next;
    };
    if (state == S::kRejected) step(store_->RejectGrant(g.id, "not needed"));
    if (state == S::kExpired) {
      clock_.Advance(2h);
      EXPECT_EQ(store_->Sweep()->expired, 1);
      step(store_->GetGrant(g.id));
    }
    if (state == S::kRequested || state == S::kRejected || state == S::kExpired) return g;
    step(store_->ApproveGrant(g.id));
    if (state == S::kApproved) return g;
    step(store_->MarkApplying(g.id, g.generation));
    if (state == S::kApplying) return g;
    if (state == S::kFailed) {
      step(store_->MarkFailed(g.id, g.generation, "PutBucketPolicy: AccessDenied"));
      return g;
    }
    step(store_->MarkActive(g.id, g.generation));
    if (state == S::kActive) return g;
    step(store_->RevokeGrant(g.id, "project over"));
    if (state == S::kRevoking) return g;
    step(store_->MarkRevoked(g.id, g.generation));
    return g;
  }

};

TEST_F(LifecycleTest, HappyPathBumpsGenerationAndAuditsEveryStep) {
  std::int64_t audit_before = db_->Count("SELECT count(*) FROM govd.audit_log");
  Grant g = DriveTo(S::kRevoked);
  EXPECT_EQ(g.state, S::kRevoked);
  EXPECT_EQ(g.generation, 6);  // requested=1, then five transitions
  EXPECT_EQ(g.approved_by, "uid:1000");
  EXPECT_EQ(g.requested_by, "uid:1000");
  EXPECT_FALSE(g.deadline);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log") - audit_before, 6);
  auto log = store_->AuditLog(0, 1000);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->back().action, "grant.revoked");
  EXPECT_NE(log->back().after_json.find("\"state\":\"revoked\""), std::string::npos);
  EXPECT_NE(log->back().before_json.find("\"state\":\"revoking\""), std::string::npos);
}

TEST_F(LifecycleTest, InFlightStatesCarryADeadline) {
  Grant applying = DriveTo(S::kApplying);
  ASSERT_TRUE(applying.deadline);
  EXPECT_EQ(*applying.deadline, clock_.Now() + 600s);
  Grant active = *store_->MarkActive(applying.id, applying.generation);
  EXPECT_FALSE(active.deadline);
}

// The store operation that tries to move a grant into each target state.
struct Operation {
  S target;
  std::function<Result<Grant>(Store&, const Grant&)> run;
};

TEST_F(LifecycleTest, EveryTransitionThroughTheStoreIsAllowedExactlyWhenLegal) {
  const std::set<std::pair<S, S>> legal = {
      {S::kRequested, S::kApproved}, {S::kRequested, S::kRejected}, {S::kApproved, S::kApplying},
      {S::kApproved, S::kRevoking},  {S::kApplying, S::kActive},    {S::kApplying, S::kFailed},
      {S::kApplying, S::kRevoking},  {S::kActive, S::kRevoking},    {S::kActive, S::kFailed},
      {S::kRevoking, S::kRevoked}};
  const std::vector<Operation> ops = {
      {S::kApproved, [](Store& s, const Grant& g) { return s.ApproveGrant(g.id); }},
      {S::kRejected, [](Store& s, const Grant& g) { return s.RejectGrant(g.id, "no"); }},
      {S::kRevoking, [](Store& s, const Grant& g) { return s.RevokeGrant(g.id, "done"); }},
      {S::kApplying, [](Store& s, const Grant& g) { return s.MarkApplying(g.id, g.generation); }},
      {S::kActive, [](Store& s, const Grant& g) { return s.MarkActive(g.id, g.generation); }},
      {S::kFailed, [](Store& s, const Grant& g) { return s.MarkFailed(g.id, g.generation, "x"); }},
      {S::kRevoked, [](Store& s, const Grant& g) { return s.MarkRevoked(g.id, g.generation); }},
  };
  for (S from : {S::kRequested, S::kApproved, S::kApplying, S::kActive, S::kRevoking, S::kRevoked,
                 S::kRejected, S::kExpired, S::kFailed}) {
    for (const Operation& op : ops) {
      Grant g = DriveTo(from);
      ASSERT_EQ(g.state, from);
      std::int64_t audit_before = db_->Count("SELECT count(*) FROM govd.audit_log");
      Result<Grant> moved = op.run(*store_, g);
      std::string what = std::string(GrantStateName(from)) + " -> " +
                         std::string(GrantStateName(op.target));
      bool expect_ok = legal.count({from, op.target}) == 1;
      ASSERT_EQ(moved.has_value(), expect_ok) << what;
      std::int64_t audited = db_->Count("SELECT count(*) FROM govd.audit_log") - audit_before;
      if (expect_ok) {
        EXPECT_EQ(moved->state, op.target) << what;
        EXPECT_EQ(moved->generation, g.generation + 1) << what;
        EXPECT_EQ(audited, 1) << what;
        continue;
      }
      EXPECT_EQ(moved.error().code(), ErrorCode::kFailedPrecondition) << what;
      EXPECT_NE(moved.error().message().find("cannot become " +
                                             std::string(GrantStateName(op.target))),
                std::string::npos)
          << moved.error().message();
      EXPECT_EQ(store_->GetGrant(g.id)->state, from) << what;
      EXPECT_EQ(store_->GetGrant(g.id)->generation, g.generation) << what;
      EXPECT_EQ(audited, 0) << what;
    }
  }
}

TEST_F(LifecycleTest, StaleGenerationIsRefused) {
  Grant g = DriveTo(S::kApproved);
  auto moved = store_->MarkApplying(g.id, g.generation - 1);
  ASSERT_FALSE(moved);
  EXPECT_NE(moved.error().message().find("changed since it was read"), std::string::npos);
  EXPECT_EQ(store_->GetGrant(g.id)->state, S::kApproved);
}

TEST_F(LifecycleTest, SweepExpiresGrantsPastExpiryAtTheClocksNow) {
  GrantRequest r = ReadRequest();
  r.expires_at = clock_.Now() + 1h;
  Grant requested = Request(r);
  Grant active = DriveTo(S::kActive);  // no expiry: never expires
  GrantRequest r2 = ReadRequest("other/");
  r2.expires_at = clock_.Now() + 3h;
  Grant active_expiring = Request(r2);
  active_expiring = *store_->ApproveGrant(active_expiring.id);
  active_expiring = *store_->MarkApplying(active_expiring.id, active_expiring.generation);
  active_expiring = *store_->MarkActive(active_expiring.id, active_expiring.generation);

  EXPECT_EQ(store_->Sweep()->expired, 0);
  clock_.Advance(1h);  // exactly at expiry: expires
  EXPECT_EQ(store_->Sweep()->expired, 1);
  EXPECT_EQ(store_->GetGrant(requested.id)->state, S::kExpired);
  EXPECT_EQ(store_->GetGrant(active_expiring.id)->state, S::kActive);
  clock_.Advance(3h);
  EXPECT_EQ(store_->Sweep()->expired, 1);
  EXPECT_EQ(store_->GetGrant(active_expiring.id)->state, S::kExpired);
  EXPECT_EQ(store_->GetGrant(active.id)->state, S::kActive);
  EXPECT_EQ(store_->Sweep()->expired, 0);
}

TEST_F(LifecycleTest, NoGrantStaysInFlightPastItsDeadline) {
  Grant applying = DriveTo(S::kApplying);
  Grant revoking = DriveTo(S::kRevoking);
  clock_.Advance(599s);
  SweepReport early = *store_->Sweep();
  EXPECT_EQ(early.failed + early.revokes_retried, 0);
  clock_.Advance(2s);
  SweepReport late = *store_->Sweep();
  EXPECT_EQ(late.failed, 1);
  EXPECT_EQ(late.revokes_retried, 1);
  Grant failed = *store_->GetGrant(applying.id);
  EXPECT_EQ(failed.state, S::kFailed);
  EXPECT_NE(failed.state_reason.find("deadline"), std::string::npos);
  Grant retried = *store_->GetGrant(revoking.id);
  EXPECT_EQ(retried.state, S::kRevoking);
  EXPECT_EQ(*retried.deadline, clock_.Now() + 600s);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.buckets WHERE due_at = govd.from_us(" +
                       std::to_string(pg::ToMicros(clock_.Now())) + ")"),
            1);
}

TEST_F(LifecycleTest, EmbargoedDataCannotBeGrantedBeforeRelease) {
  ASSERT_TRUE(store_->DeclarePrefix("la-data", "reports/2025/", clock_.Now() + 24h));
  for (const char* covering : {"reports/", "reports/2025/", "reports/2025/q1/", ""}) {
    auto g = store_->RequestGrant(ReadRequest(covering));
    ASSERT_FALSE(g) << covering;
    EXPECT_EQ(g.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(g.error().message().find("embargoed prefix \"reports/2025/\""), std::string::npos)
        << g.error().message();
  }
  EXPECT_TRUE(store_->RequestGrant(ReadRequest("reports/2024/")));
  clock_.Advance(24h);
  EXPECT_TRUE(store_->RequestGrant(ReadRequest("reports/2025/q1/")));
}

TEST_F(LifecycleTest, OverlappingGrantsAreAllowed) {
  EXPECT_TRUE(store_->RequestGrant(ReadRequest("reports/")));
  EXPECT_TRUE(store_->RequestGrant(ReadRequest("reports/")));
  EXPECT_TRUE(store_->RequestGrant(ReadRequest("reports/2024/")));
  GrantFilter all;
  EXPECT_EQ(store_->ListGrants(all)->size(), 3U);
}

TEST_F(LifecycleTest, ListFiltersByStateAndPages) {
  Grant a = DriveTo(S::kActive);
  Grant b = DriveTo(S::kActive);
  DriveTo(S::kRequested);
  GrantFilter active;
  active.state = S::kActive;
  active.limit = 1;
  auto page1 = store_->ListGrants(active);
  ASSERT_EQ(page1->size(), 1U);
  EXPECT_EQ(page1->front().id, a.id);
  active.after_id = a.id;
  EXPECT_EQ(store_->ListGrants(active)->front().id, b.id);
}

TEST_F(LifecycleTest, GrantChangesAreNotifiedOnCommit) {
  auto listener = GrantListener::Open(db_->conninfo());
  ASSERT_TRUE(listener) << listener.error().ToString();
  auto nothing = (*listener)->Wait(50ms);
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(*nothing);
  Grant g = Request();
  g = *store_->ApproveGrant(g.id);
  auto first = (*listener)->Wait(5s);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->tenant, "la-leeds");
  EXPECT_EQ((*first)->grant_id, g.id);
  EXPECT_EQ((*first)->state, S::kRequested);
  auto second = (*listener)->Wait(5s);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->state, S::kApproved);
  // A rolled-back change notifies nobody.
  EXPECT_FALSE(store_->MarkActive(g.id, g.generation));
  EXPECT_FALSE(*(*listener)->Wait(100ms));
}

}  // namespace
}  // namespace govd::accounts
