// policy/engine/request_context.h
// The request context of one authorization question: condition-key name -> value(s). Key names
// compare case-insensitively (stored lowercased, also after the '/' of "aws:PrincipalTag/x").
// The context is complete and authoritative: an absent key is absent from the request.
// Thread safety: a value; const methods may be called concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace govd::policy {

struct ContextEntry {
  std::string key;  // lowercased
  std::vector<std::string> values;
  bool multivalued = false;  // given as an array (possibly empty)
};

class RequestContext {
 public:
  // Adds or replaces a key. A single value is a single-valued key.
  void Set(std::string_view key, std::string value);
  void SetMultivalued(std::string_view key, std::vector<std::string> values);

  // REQUIRES: key_lower is lowercase. Null when absent.
  const ContextEntry* Find(std::string_view key_lower) const;

  const std::vector<ContextEntry>& entries() const { return entries_; }

 private:
  void Put(ContextEntry entry);
  std::vector<ContextEntry> entries_;  // sorted by key
};

std::string AsciiLower(std::string_view text);

}  // namespace govd::policy
