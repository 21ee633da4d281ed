#include "policy/engine/request_context.h"

#include <algorithm>

namespace govd::policy {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void RequestContext::Set(std::string_view key, std::string value) {
  Put(ContextEntry{AsciiLower(key), {std::move(value)}, false});
}

void RequestContext::SetMultivalued(std::string_view key, std::vector<std::string> values) {
  Put(ContextEntry{AsciiLower(key), std::move(values), true});
}

void RequestContext::Put(ContextEntry entry) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), entry.key,
                             [](const ContextEntry& e, const std::string& k) { return e.key < k; });
  if (it != entries_.end() && it->key == entry.key) {
    *it = std::move(entry);
  } else {
    entries_.insert(it, std::move(entry));
  }
}

const ContextEntry* RequestContext::Find(std::string_view key_lower) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key_lower,
                             [](const ContextEntry& e, std::string_view k) { return e.key < k; });
  return it != entries_.end() && it->key == key_lower ? &*it : nullptr;
}

}  // namespace govd::policy
