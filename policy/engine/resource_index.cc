#include "policy/engine/resource_index.h"

#include <algorithm>

namespace govd::policy {
namespace {

bool Indexable(const Statement& statement) {
  return statement.has_resource && !statement.not_resource &&
         std::none_of(statement.resources.begin(), statement.resources.end(),
                      [](const Pattern& p) { return p.has_variables(); });
}

std::size_t CommonPrefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

}  // namespace

ResourceIndex::ResourceIndex(const Policy& policy) : nodes_(1) {
  for (std::uint32_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    if (!Indexable(statement)) {
      always_.push_back(i);
      continue;
    }
    for (const Pattern& pattern : statement.resources) Insert(pattern.compiled_glob().head(), i);
  }
}

// Splits the edge of child `slot` of `parent` after `at` characters; returns the new middle node.
std::uint32_t ResourceIndex::Split(std::uint32_t parent, std::size_t slot, std::size_t at) {
  std::uint32_t child = nodes_[parent].children[slot];
  auto middle = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{nodes_[child].edge.substr(0, at), {child}, {}});
  nodes_[child].edge.erase(0, at);
  nodes_[parent].children[slot] = middle;
  return middle;
}

void ResourceIndex::Insert(std::string_view head, std::uint32_t statement) {
  std::uint32_t node = 0;
  while (!head.empty()) {
    auto& children = nodes_[node].children;
    auto slot = std::find_if(children.begin(), children.end(),
                             [&](std::uint32_t c) { return nodes_[c].edge.front() == head.front(); });
    if (slot == children.end()) {
      children.push_back(static_cast<std::uint32_t>(nodes_.size()));
      nodes_.push_back(Node{std::string(head), {}, {statement}});
      return;
    }
    std::uint32_t child = *slot;
    std::size_t common = CommonPrefix(nodes_[child].edge, head);
    if (common < nodes_[child].edge.size()) {
      child = Split(node, static_cast<std::size_t>(slot - children.begin()), common);
    }
    node = child;
    head.remove_prefix(common);
  }
  auto& statements = nodes_[node].statements;
  if (statements.empty() || statements.back() != statement) statements.push_back(statement);
}

void ResourceIndex::Candidates(std::string_view resource, std::vector<std::uint32_t>& out) const {
  out.assign(always_.begin(), always_.end());
  std::uint32_t node = 0;
  while (true) {
    const Node& current = nodes_[node];
    out.insert(out.end(), current.statements.begin(), current.statements.end());
    if (resource.empty()) break;
    auto next = std::find_if(current.children.begin(), current.children.end(), [&](std::uint32_t c) {
      return resource.starts_with(nodes_[c].edge);
    });
    if (next == current.children.end()) break;
    resource.remove_prefix(nodes_[*next].edge.size());
    node = *next;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace govd::policy
