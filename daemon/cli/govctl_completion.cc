#include "daemon/cli/govctl_completion.h"

#include <algorithm>

namespace govd::daemon {
namespace {

// The options of a space-separated list; `takes_value` says whether each ends in '='.
struct Option {
  std::string_view name;
  bool takes_value;
};

std::vector<Option> Options(std::string_view list) {
  std::vector<Option> options;
  while (!list.empty()) {
    std::size_t space = list.find(' ');
    std::string_view item = list.substr(0, space);
    if (!item.empty()) {
      bool takes_value = item.ends_with('=');
      options.push_back({takes_value ? item.substr(0, item.size() - 1) : item, takes_value});
    }
    list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
  }
  return options;
}

bool TakesValue(std::string_view option, std::string_view list) {
  auto options = Options(list);
  return std::any_of(options.begin(), options.end(),
                     [&](const Option& o) { return o.takes_value && o.name == option; });
}

void AddMatching(std::string_view list, std::string_view prefix, std::vector<std::string>& out) {
  for (const Option& option : Options(list)) {
    if (option.name.starts_with(prefix)) out.emplace_back(option.name);
  }
}

}  // namespace

std::vector<std::string> CompletionCandidates(std::span<const GovctlCommand> commands,
                                              std::span<const std::string_view> words) {
  std::vector<std::string> out;
  if (words.empty()) return out;
  std::string_view current = words.back();
  std::span<const std::string_view> before = words.first(words.size() - 1);
  const GovctlCommand* command = nullptr;
  const GovctlWord* word = nullptr;
  std::string options(kGlobalOptions);  // what the word before `current` may be an option of
  for (std::size_t i = 0; i < before.size(); ++i) {
    std::string_view arg = before[i];
    if (arg.starts_with("-")) {
      if (TakesValue(arg, options) && i + 1 == before.size()) return out;  // `current` is its value
      if (TakesValue(arg, options)) ++i;
      continue;
    }
    if (command == nullptr) {
      auto found = std::find_if(commands.begin(), commands.end(),
                                [&](const GovctlCommand& c) { return c.name == arg; });
      if (found == commands.end()) return out;
      command = &*found;
      options = std::string(kGlobalOptions) + " " + std::string(command->options);
    } else if (word == nullptr && !command->words.empty()) {
      auto found = std::find_if(command->words.begin(), command->words.end(),
                                [&](const GovctlWord& w) { return w.name == arg; });
      if (found == command->words.end()) return out;
      word = &*found;
      options += " " + std::string(word->options);
    }
  }
  if (command == nullptr) {
    if (current.starts_with("-")) {
      AddMatching(kGlobalOptions, current, out);
    } else {
      for (const GovctlCommand& c : commands) {
        if (c.name.starts_with(current)) out.emplace_back(c.name);
      }
    }
    return out;
  }
  if (current.starts_with("-")) {
    if (word != nullptr) AddMatching(word->options, current, out);
    AddMatching(command->options, current, out);
    if (std::string_view("--help").starts_with(current)) out.emplace_back("--help");
    return out;
  }
  if (word == nullptr) {
    for (const GovctlWord& w : command->words) {
      if (w.name.starts_with(current)) out.emplace_back(w.name);
    }
  }
  return out;
}

}  // namespace govd::daemon
