// Text people read (issue 16): control characters and bidirectional overrides are refused where
// names and reasons come in, reasons are bounded, and what govctl prints is escaped.
#include "base/display_text.h"

#include <gtest/gtest.h>

#include <string>

namespace govd {
namespace {

std::string Message(const Status& status) { return status ? "ok" : status.error().message(); }

TEST(DisplayTextTest, AcceptsPlainAndInternationalText) {
  for (std::string_view text : {"Leeds City Council", "Zürich", "Ελλάδα", "東京", "a\\b", "tab-free; 100%"}) {
    EXPECT_TRUE(CheckDisplayText(text, "name")) << text << ": " << Message(CheckDisplayText(text, "name"));
  }
}

TEST(DisplayTextTest, RefusesControlBidiAndBrokenUtf8NamingWhatAndWhere) {
  struct Case {
    std::string text;
    std::string says;
  };
  for (const Case& c :
       {Case{"red \x1b[31m", "control character U+001B at character 5"},
        Case{"two\nlines", "control character U+000A at character 4"},
        Case{std::string("nul\0byte", 8), "U+0000"}, Case{"bell\a", "U+0007"}, Case{"del\x7f", "U+007F"},
        Case{"c1 \xc2\x9b", "U+009B"},
        Case{"gpj.\xe2\x80\xae"
             "exe",
             "bidirectional formatting character U+202E at character 5"},
        Case{"\xe2\x81\xa6isolate", "U+2066"}, Case{"\xe2\x80\x8fmark", "U+200F"},
        Case{"bad \xff", "byte 0xff that is not UTF-8"}, Case{"overlong \xc0\xaf", "not UTF-8"}}) {
    Status status = CheckDisplayText(c.text, "name");
    ASSERT_FALSE(status) << c.says;
    EXPECT_EQ(status.error().where(), "name");
    EXPECT_NE(status.error().message().find(c.says), std::string::npos) << status.error().message();
    for (unsigned char byte : status.error().message()) EXPECT_TRUE(byte >= 0x20 && byte < 0x7f) << c.says;
  }
}

TEST(DisplayTextTest, ReasonsSayWhyInAtMostAThousandCharacters) {
  EXPECT_TRUE(CheckReason("quarterly statistics", "reason"));
  EXPECT_TRUE(CheckReason(std::string(1000, 'x'), "reason"));
  std::string thousand_umlauts;
  for (int i = 0; i < 1000; ++i) thousand_umlauts += "ü";
  EXPECT_TRUE(CheckReason(thousand_umlauts, "reason")) << "characters are counted, not bytes";
  EXPECT_NE(Message(CheckReason(std::string(1001, 'x'), "reason")).find("1001 characters; at most 1000"),
            std::string::npos);
  for (std::string_view blank : {"", " ", "   ", "\xc2\xa0 \xe3\x80\x80"}) {
    EXPECT_NE(Message(CheckReason(blank, "reason")).find("must say why"), std::string::npos) << blank;
  }
  EXPECT_NE(Message(CheckReason("ok\x1b[2J", "reason")).find("U+001B"), std::string::npos);
}

TEST(DisplayTextTest, EscapesWhatWouldActOnATerminal) {
  EXPECT_EQ(EscapeForTerminal("plain Zürich"), "plain Zürich");
  EXPECT_EQ(EscapeForTerminal("red \x1b[31mX\nY"), "red \\x1b[31mX\\x0aY");
  EXPECT_EQ(EscapeForTerminal("gpj.\xe2\x80\xae"
                              "exe"),
            "gpj.\\u202eexe");
  EXPECT_EQ(EscapeForTerminal(std::string("a\0b\xff", 4)), "a\\x00b\\xff");
  std::string once = EscapeForTerminal("\x1b\a\xe2\x80\xae");
  EXPECT_EQ(EscapeForTerminal(once), once) << "escaping twice changes nothing more";
}

}  // namespace
}  // namespace govd
