// pg::FromTimestampText: the timestamptz text of a UTC, ISO session read exactly, to the
// microsecond; any other form refused naming the column, never guessed.
#include <gtest/gtest.h>

#include "accounts/store/pg.h"

namespace govd::accounts::pg {
namespace {

TEST(FromTimestampText, ReadsWholeSecondsAndEveryFractionLength) {
  EXPECT_EQ(ToMicros(*FromTimestampText("1970-01-01 00:00:00+00", "at")), 0);
  EXPECT_EQ(ToMicros(*FromTimestampText("2027-01-15 10:00:00+00", "at")), 1'800'007'200'000'000);
  EXPECT_EQ(ToMicros(*FromTimestampText("2027-01-15 10:00:00.5+00", "at")), 1'800'007'200'500'000);
  EXPECT_EQ(ToMicros(*FromTimestampText("2027-01-15 10:00:00.000001+00", "at")), 1'800'007'200'000'001);
  EXPECT_EQ(ToMicros(*FromTimestampText("1969-12-31 23:59:59.999999+00", "at")), -1);
  EXPECT_EQ(ToMicros(*FromTimestampText("2024-02-29 23:59:59.123456+00", "at")), 1'709'251'199'123'456);
}

TEST(FromTimestampText, RefusesOtherFormsNamingTheColumn) {
  for (const char* bad :
       {"", "2027-01-15", "2027-01-15 10:00:00", "2027-01-15 10:00:00+01", "2027-01-15T10:00:00+00",
        "2027-01-15 10:00:00.+00", "2027-01-15 10:00:00.1234567+00", "2027-01-15 10:00:00.12a+00",
        "2027-02-30 10:00:00+00", "2027-01-15 24:00:00+00", "-027-01-15 10:00:00+00",
        "2027-01-15 10:00:00+00 BC", "infinity", "Fri Jan 15 10:00:00 2027 UTC", "10000-01-01 00:00:00+00"}) {
    auto t = FromTimestampText(bad, "deadline");
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code(), ErrorCode::kInternal) << bad;
    EXPECT_NE(t.error().message().find("column deadline"), std::string::npos) << t.error().ToString();
  }
}

}  // namespace
}  // namespace govd::accounts::pg
