// The grant lifecycle table and the prefix rules, without a database.
#include "accounts/store/grant.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace govd::accounts {
namespace {

using S = GrantState;
constexpr S kAll[] = {S::kRequested, S::kApproved, S::kApplying, S::kActive, S::kRevoking,
                      S::kRevoked,   S::kRejected, S::kExpired,  S::kFailed};

// The lifecycle as docs/store.md states it, written out independently of grant.cc.
const std::set<std::pair<S, S>> kLegal = {
    {S::kRequested, S::kApproved}, {S::kRequested, S::kRejected}, {S::kRequested, S::kExpired},
    {S::kApproved, S::kApplying},  {S::kApproved, S::kRevoking},  {S::kApproved, S::kExpired},
    {S::kApplying, S::kActive},    {S::kApplying, S::kFailed},    {S::kApplying, S::kRevoking},
    {S::kApplying, S::kExpired},   {S::kActive, S::kRevoking},    {S::kActive, S::kExpired},
    {S::kActive, S::kFailed},      {S::kRevoking, S::kRevoked},
};

TEST(GrantLifecycle, EveryPairIsLegalExactlyWhenDocumented) {
  for (S from : kAll) {
    for (S to : kAll) {
      Status st = CheckTransition(from, to);
      EXPECT_EQ(st.has_value(), kLegal.count({from, to}) == 1)
          << GrantStateName(from) << " -> " << GrantStateName(to);
      if (!st) {
        EXPECT_EQ(st.error().code(), ErrorCode::kFailedPrecondition);
        EXPECT_NE(st.error().message().find(std::string(GrantStateName(to))), std::string::npos);
      }
    }
  }
}

TEST(GrantLifecycle, FinalStatesHaveNoSuccessor) {
  for (S from : {S::kRevoked, S::kRejected, S::kExpired, S::kFailed}) {
    EXPECT_TRUE(IsTerminal(from));
    Status st = CheckTransition(from, S::kActive);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message().find("final state"), std::string::npos) << st.error().message();
  }
}

TEST(GrantLifecycle, StateNamesRoundTrip) {
  for (S s : kAll) EXPECT_EQ(ParseGrantState(GrantStateName(s)).value(), s);
  EXPECT_FALSE(ParseGrantState("pending"));
  EXPECT_EQ(ParseGrantActions("read+list").value(), GrantActions::kReadList);
  EXPECT_FALSE(ParseGrantActions("write"));
}

TEST(Prefix, AcceptsRelativeLiteralPrefixes) {
  for (const char* ok : {"", "reports/", "reports/2024/q1", "a.b/c-d_e/", "x..y/"}) {
    EXPECT_TRUE(ValidatePrefix(ok)) << ok;
  }
}

TEST(Prefix, RefusesTraversalAbsoluteAndOddCharacters) {
  for (const char* bad : {"..", "../x", "a/../b", "a/..", "./a", "a/./b", "/abs", "a//b",
                          "with space", "back\\slash", "tab\tx", "\xc3\xa9t\xc3\xa9"}) {
    Status st = ValidatePrefix(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().where(), "prefix");
  }
  EXPECT_NE(ValidatePrefix("/abs").error().message().find("starts with '/'"), std::string::npos);
  EXPECT_NE(ValidatePrefix("a/../b").error().message().find("\"..\""), std::string::npos);
}

TEST(Prefix, OverlapIsEitherWay) {
  EXPECT_TRUE(PrefixesOverlap("reports/", "reports/2025/"));
  EXPECT_TRUE(PrefixesOverlap("reports/2025/", "reports/"));
  EXPECT_TRUE(PrefixesOverlap("", "anything"));
  EXPECT_FALSE(PrefixesOverlap("reports/2024/", "reports/2025/"));
}

// Issue 16: a grantee is one IAM principal ARN, and those have no wildcards.
TEST(Grantee, AcceptsOnePrincipalArn) {
  for (const char* ok :
       {"arn:aws:iam::111111111111:role/central-reader", "arn:aws:iam::111111111111:user/central",
        "arn:aws:iam::111111111111:root", "arn:aws:sts::111111111111:assumed-role/reader/s1"}) {
    EXPECT_TRUE(ValidateGrantee(ok)) << ok;
  }
}

TEST(Grantee, RefusesWildcardsNamingTheFieldAndTheValue) {
  for (const char* bad : {"arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:user/c?ntral", "*",
                          "arn:aws:iam::*:root"}) {
    Status st = ValidateGrantee(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(st.error().where(), "grantee");
    EXPECT_NE(st.error().message().find(std::string("grantee \"") + bad + "\" contains a wildcard"),
              std::string::npos)
        << st.error().ToString();
  }
  Status not_arn = ValidateGrantee("bob");
  ASSERT_FALSE(not_arn);
  EXPECT_EQ(not_arn.error().where(), "grantee");
  EXPECT_NE(not_arn.error().message().find("grantee \"bob\" is not a principal ARN"), std::string::npos);
}

}  // namespace
}  // namespace govd::accounts
