// ParseIso8601, govd's one date parser: both accepted forms, impossible calendar days refused
// instead of rolled over, and dates the time point cannot hold refused instead of wrapped
// (issue 16: 2800-01-01 was stored as 2215-06-13, 2027-02-30 as 2027-03-02).
#include "base/iso8601.h"

#include <gtest/gtest.h>

#include <string>

namespace govd {
namespace {

std::string Formatted(std::string_view text) {
  auto at = ParseIso8601(text, "expires_at");
  return at ? FormatIso8601(*at) : "error: " + at.error().ToString();
}

std::string Refusal(std::string_view text) {
  auto at = ParseIso8601(text, "expires_at");
  if (at) return "accepted as " + FormatIso8601(*at);
  EXPECT_EQ(at.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(at.error().where(), "expires_at");
  return at.error().message();
}

TEST(Iso8601Test, ReadsADateOrAFullUtcTime) {
  EXPECT_EQ(Formatted("2027-01-31"), "2027-01-31T00:00:00Z");
  EXPECT_EQ(Formatted("2027-01-31T10:11:12Z"), "2027-01-31T10:11:12Z");
  EXPECT_EQ(Formatted("2027-01-31T10:11:12.345Z"), "2027-01-31T10:11:12Z");
  EXPECT_EQ(Formatted("2028-02-29"), "2028-02-29T00:00:00Z") << "a leap day";
  EXPECT_EQ(Formatted("2262-04-11T23:47:16Z"), "2262-04-11T23:47:16Z") << "the latest time that fits";
}

TEST(Iso8601Test, RefusesDaysTheCalendarDoesNotHave) {
  EXPECT_NE(Refusal("2027-02-30").find("is not a day of the calendar: 2027-02 has 28 days"),
            std::string::npos)
      << Refusal("2027-02-30");
  EXPECT_NE(Refusal("2027-02-29T00:00:00Z").find("2027-02 has 28 days"), std::string::npos);
  EXPECT_NE(Refusal("2027-04-31").find("not a day of the calendar"), std::string::npos);
  EXPECT_NE(Refusal("2027-13-01").find("no month 13"), std::string::npos);
  EXPECT_NE(Refusal("2027-00-10").find("no month 0"), std::string::npos);
  EXPECT_NE(Refusal("2027-01-00").find("not a day of the calendar"), std::string::npos);
  EXPECT_NE(Refusal("2027-01-01T24:00:00Z").find("not a time of day"), std::string::npos);
}

TEST(Iso8601Test, RefusesDatesTheTimePointCannotHoldInsteadOfWrapping) {
  for (std::string_view text : {"2800-01-01", "2262-04-11T23:47:17Z", "9999-12-31T23:59:59Z"}) {
    EXPECT_NE(Refusal(text).find("is after 2262-04-11T23:47:16Z, the latest time govd can hold"),
              std::string::npos)
        << text << ": " << Refusal(text);
  }
  EXPECT_NE(Refusal("1000-01-01").find("the earliest time govd can hold"), std::string::npos);
  EXPECT_NE(Refusal("12027-01-01").find("is not a date or time"), std::string::npos) << "five-digit years";
}

TEST(Iso8601Test, RefusesOtherForms) {
  for (std::string_view text : {"", "2027-1-31", "2027/01/31", "2027-01-31T10:11:12",
                                "2027-01-31T10:11:12+01:00", "2027-01-31 10:11:12Z", "2027-01-31T10:11:12.Z",
                                "2027-01-31x", "-027-01-31", "2027-01-31T10:11:12.1aZ"}) {
    EXPECT_NE(Refusal(text).find("is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fff]Z, in UTC)"),
              std::string::npos)
        << "'" << text << "': " << Refusal(text);
  }
}

TEST(Iso8601Test, FormatsMicrosecondsAsTheAuditLogKeepsThem) {
  using std::chrono::microseconds;
  using std::chrono::system_clock;
  EXPECT_EQ(FormatIso8601Micros(system_clock::time_point(microseconds(1'800'000'000'123'456))),
            "2027-01-15T08:00:00.123456Z");
  EXPECT_EQ(FormatIso8601Micros(system_clock::time_point(microseconds(1'800'000'000'000'000))),
            "2027-01-15T08:00:00.000000Z");
}

}  // namespace
}  // namespace govd
