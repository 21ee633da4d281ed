// Shell completion generated from govctl's one table (daemon/cli/govctl_completion.h): for every
// command, the words and options completion offers are exactly those its --help shows, word by
// word for the commands with words (audit, grant, org, policy, reconcile); and the packaged bash
// and zsh scripts offer them, run in a real shell.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using Words = std::set<std::string>;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Words Complete(const std::vector<std::string>& words) {
  std::vector<std::string> args{"__complete"};
  args.insert(args.end(), words.begin(), words.end());
  auto run = testing::RunProgram(testing::GovctlBinary(), args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto lines = Lines(run.out);
  return {lines.begin(), lines.end()};
}

Words Flags(const std::string& text) {
  Words flags;
  static const std::regex kFlag("--[a-z][a-z0-9-]*");
  for (std::sregex_iterator it(text.begin(), text.end(), kFlag), end; it != end; ++it)
    flags.insert(it->str());
  return flags;
}

std::string Help(const std::vector<std::string>& words) {
  std::vector<std::string> args = words;
  args.emplace_back("--help");
  auto run = testing::RunProgram(testing::GovctlBinary(), args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out + run.err;
}

std::vector<std::string> Commands() {
  std::vector<std::string> commands;
  bool listing = false;
  for (const std::string& line : Lines(Help({}))) {
    if (line == "commands:") {
      listing = true;
    } else if (listing && line.starts_with("  ")) {
      commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else {
      listing = false;
    }
  }
  return commands;
}

// The usage block of `govctl COMMAND --help` (up to its first blank line), as word -> the text of
// its usage lines (continuation lines included); "" for a command without words.
std::map<std::string, std::string> UsageByWord(const std::string& command, const std::string& help) {
  std::map<std::string, std::string> usage;
  std::regex entry("govctl " + command + " ([a-z][a-z-]*)");
  std::string word;
  for (const std::string& line : Lines(help)) {
    if (line.empty() && !usage.empty()) break;
    std::smatch m;
    if (std::regex_search(line, m, entry)) {
      word = m[1];
    } else if (line.find("govctl " + command) != std::string::npos) {
      word = "";
    }
    usage[word] += line + "\n";
  }
  return usage;
}

TEST(GovctlCompletionTest, TheCommandsAndGlobalOptionsAreOffered) {
  std::vector<std::string> commands = Commands();
  ASSERT_GE(commands.size(), 10U);
  Words offered = Complete({""});
  EXPECT_EQ(offered, Words(commands.begin(), commands.end()));
  EXPECT_EQ(Complete({"--"}), (Words{"--socket", "--json", "--help", "--version"}));
  EXPECT_EQ(Complete({"gr"}), Words{"grant"});
  EXPECT_EQ(Complete({"--socket", "/run/govd/x.sock", "st"}), Words{"status"});
}

// Each command's words and options against its own --help, in both directions: what completion
// offers exists, and what the help shows is offered.
TEST(GovctlCompletionTest, EveryCommandOffersTheWordsAndOptionsItsHelpShows) {
  int with_words = 0;
  for (const std::string& command : Commands()) {
    SCOPED_TRACE("govctl " + command);
    auto usage = UsageByWord(command, Help({command}));
    usage.erase("");
    Words words;
    for (const auto& [word, text] : usage) words.insert(word);
    if (words.empty()) {  // options only
      Words help = Flags(Help({command}));
      help.insert("--help");
      EXPECT_EQ(Complete({command, "--"}), help);
      EXPECT_EQ(Complete({command, ""}), Words{});
      continue;
    }
    ++with_words;
    EXPECT_EQ(Complete({command, ""}), words);
    // Every word's usage line's options are offered after it, and nothing its help lacks.
    Words help = Flags(Help({command}));
    for (const std::string& word : words) {
      SCOPED_TRACE(word);
      Words offered = Complete({command, word, "--"});
      for (const std::string& flag : Flags(usage[word])) EXPECT_TRUE(offered.contains(flag)) << flag;
      Words word_help = Flags(Help({command, word}));
      for (const std::string& flag : offered) {
        EXPECT_TRUE(flag == "--help" || help.contains(flag) || word_help.contains(flag))
            << flag << " is offered";
      }
    }
  }
  EXPECT_GE(with_words, 5) << "audit, grant, org, policy, reconcile";
}

TEST(GovctlCompletionTest, NothingIsOfferedForTheValueOfAnOptionSoTheShellCompletesFiles) {
  EXPECT_EQ(Complete({"audit", "report", "--out", ""}), Words{});
  EXPECT_EQ(Complete({"--socket", ""}), Words{});
  EXPECT_EQ(Complete({"grant", "request", "--bucket", "b", "--p"}), Words{"--prefix"});
  EXPECT_EQ(Complete({"audit", "log", "--j"}), Words{"--json"});
  EXPECT_EQ(Complete({"no-such-command", ""}), Words{});
}

std::string Shell(const std::string& shell, const std::string& script) {
  std::string dir = testing::GovctlBinary().substr(0, testing::GovctlBinary().rfind('/'));
  auto run = testing::RunProgram(shell, {"-c", script}, std::nullopt,
                                 {"PATH=" + dir + ":" + std::getenv("PATH"), "SRC=" GOVD_SOURCE_DIR});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

// The packaged script, sourced by bash as bash-completion does, offers every word after
// `govctl audit` (it used to offer only `log`) and every option of a word.
TEST(GovctlCompletionTest, ThePackagedBashScriptOffersEveryWordAndOption) {
  auto bash = [](const std::string& line) {
    std::string out = Shell("/bin/bash",
                            "source \"$SRC/packaging/bash-completion/govctl\"\n"
                            "read -r -a COMP_WORDS <<<'" +
                                line +
                                "'\n"
                                "[[ '" +
                                line +
                                "' == *' ' ]] && COMP_WORDS+=('')\n"
                                "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                                "_govctl; printf '%s\\n' \"${COMPREPLY[@]}\"");
    auto lines = Lines(out);
    return Words(lines.begin(), lines.end());
  };
  for (std::string command : {"audit", "grant", "org", "policy", "reconcile"}) {
    EXPECT_EQ(bash("govctl " + command + " "), Complete({command, ""})) << command;
  }
  EXPECT_EQ(bash("govctl audit "),
            (Words{"log", "verify", "findings", "archive", "unarchive", "archive-rule", "who-can-access",
                   "what-can-access", "report"}));
  EXPECT_EQ(bash("govctl audit report --"), Complete({"audit", "report", "--"}));
  EXPECT_TRUE(bash("govctl audit report --").contains("--all-tenants"));
  EXPECT_EQ(bash("govctl --v"), Words{"--version"});
}

TEST(GovctlCompletionTest, ThePackagedZshScriptOffersEveryWordAndOption) {
  if (access("/bin/zsh", X_OK) != 0) GTEST_SKIP() << "zsh is not installed";
  // compadd and _files exist only inside the completion system: stand-ins print what they get.
  auto zsh = [](const std::vector<std::string>& words) {
    std::string array;
    for (const auto& w : words) array += " '" + w + "'";
    std::string out = Shell("/bin/zsh",
                            "compadd() { shift; print -l -- \"${(@P)1}\"; }\n"
                            "_files() { print -- FILES; }\n"
                            "words=(" +
                                array +
                                ")\nCURRENT=${#words}\n"
                                "source \"$SRC/packaging/zsh-completion/_govctl\"");
    auto lines = Lines(out);
    return Words(lines.begin(), lines.end());
  };
  EXPECT_EQ(zsh({"govctl", "audit", ""}), Complete({"audit", ""}));
  EXPECT_EQ(zsh({"govctl", "grant", "request", "--"}), Complete({"grant", "request", "--"}));
  EXPECT_EQ(zsh({"govctl", "audit", "report", "--out", ""}), Words{"FILES"});
}

}  // namespace
}  // namespace govd::daemon
