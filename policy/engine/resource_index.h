// policy/engine/resource_index.h
// Finds the statements of one policy whose Resource can match a request resource without testing
// each one: the literal head of every Resource pattern (the text before its first wildcard) is
// stored in a radix tree, and a lookup walks the request resource down the tree once. Statements
// the tree cannot rule out (NotResource, policy variables, no Resource element) are always
// candidates. Candidates are a superset: the caller still tests each statement.
// Immutable after construction; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/policy.h"

namespace govd::policy {

class ResourceIndex {
 public:
  explicit ResourceIndex(const Policy& policy);

  // Replaces `out` with the candidate statement indices, ascending and unique.
  void Candidates(std::string_view resource, std::vector<std::uint32_t>& out) const;

 private:
  struct Node {
    std::string edge;  // the text from the parent to this node
    std::vector<std::uint32_t> children;
    std::vector<std::uint32_t> statements;  // statements with a head ending exactly here
  };
  void Insert(std::string_view head, std::uint32_t statement);
  std::uint32_t Split(std::uint32_t parent, std::size_t slot, std::size_t at);

  std::vector<Node> nodes_;  // nodes_[0] is the root (empty head)
  std::vector<std::uint32_t> always_;
};

}  // namespace govd::policy
