#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace govd {
namespace {

Result<int> ParsePositive(int value) {
  if (value <= 0) return InvalidArgument("must be positive", "/count");
  return value;
}

Result<int> Doubled(int value) {
  GOVD_ASSIGN_OR_RETURN(int parsed, ParsePositive(value));
  return parsed * 2;
}

Status CheckBoth(int a, int b) {
  GOVD_TRY(ParsePositive(a));
  GOVD_TRY(ParsePositive(b));
  return Ok();
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = ParsePositive(3);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 3);
  Result<int> bad = ParsePositive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().where(), "/count");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Doubled(4), 8);
  EXPECT_EQ(Doubled(0).error().message(), "must be positive");
  EXPECT_TRUE(CheckBoth(1, 2));
  EXPECT_EQ(CheckBoth(1, -2).error().where(), "/count");
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 5);
}

TEST(ErrorTest, ToStringNamesCodePlaceAndRule) {
  Error e = InvalidArgument("Effect must be \"Allow\" or \"Deny\"", "/Statement/0/Effect");
  EXPECT_EQ(e.ToString(), "invalid argument at /Statement/0/Effect: Effect must be \"Allow\" or \"Deny\"");
  EXPECT_EQ(e.WithContext("bucket policy").message(), "bucket policy: Effect must be \"Allow\" or \"Deny\"");
  EXPECT_FALSE(e.retryable());
  EXPECT_TRUE(Unavailable("database down").retryable());
}

TEST(ResultDeathTest, WrongAccessAborts) {
  Result<int> bad = ParsePositive(0);
  EXPECT_DEATH((void)bad.value(), "");
  Status ok = Ok();
  EXPECT_DEATH((void)ok.error(), "");
}

}  // namespace
}  // namespace govd
