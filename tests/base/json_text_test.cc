// ParseJsonText: jsoncpp's syntax errors and its exceptions both come back as an Error naming
// what was read, and nesting is bounded.
#include "base/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace govd {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonTextTest, ReadsAValueAndNamesWhatIsNotJson) {
  auto value = ParseJsonText(R"({"a": [1, 2]})", "the thing");
  ASSERT_TRUE(value) << value.error().ToString();
  EXPECT_EQ((*value)["a"][1].asInt(), 2);
  auto broken = ParseJsonText(R"({"a": )", "the thing");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(broken.error().message().starts_with("the thing is not valid JSON: "))
      << broken.error().message();
  EXPECT_NE(broken.error().message().back(), '\n');
}

// jsoncpp throws Json::RuntimeError past its stack limit instead of failing: an AWS error body of
// 1,600 bytes made of '[' crashed govd this way (found by xml_fuzz).
TEST(JsonTextTest, NestingPastTheLimitIsAnErrorNotAnException) {
  EXPECT_TRUE(ParseJsonText(Nested(kMaxJsonNesting - 1), "the thing"));
  for (int depth : {kMaxJsonNesting + 1, 1001, 100'000}) {
    auto deep = ParseJsonText(Nested(depth), "the thing");
    ASSERT_FALSE(deep) << depth;
    EXPECT_NE(deep.error().message().find("stackLimit"), std::string::npos) << deep.error().message();
  }
}

TEST(JsonTextTest, StrictnessIsChosenByTheCaller) {
  const std::string duplicate = R"({"a": 1, "a": 2})";
  EXPECT_TRUE(ParseJsonText(duplicate, "x"));
  EXPECT_FALSE(ParseJsonText(duplicate, "x", {.reject_duplicate_keys = true}));
  const std::string extra = R"({"a": 1} {"b": 2})";
  EXPECT_TRUE(ParseJsonText(extra, "x"));
  EXPECT_FALSE(ParseJsonText(extra, "x", {.fail_if_extra = true}));
  const std::string comment = "// note\n{\"a\": 1}";
  EXPECT_TRUE(ParseJsonText(comment, "x"));
  EXPECT_FALSE(ParseJsonText(comment, "x", {.strict = true}));
}

}  // namespace
}  // namespace govd
