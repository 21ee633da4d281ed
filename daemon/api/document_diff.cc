#include "daemon/api/document_diff.h"

#include <json/writer.h>

#include <algorithm>
#include <sstream>

namespace govd::daemon {
namespace {

// A policy's statements in a stable order: by Sid, then by their own canonical text.
Json::Value Canonical(const Json::Value& document) {
  if (!document.isObject() || !document["Statement"].isArray()) return document;
  Json::StreamWriterBuilder compact;
  compact["indentation"] = "";
  std::vector<std::pair<std::string, Json::Value>> keyed;
  for (const Json::Value& statement : document["Statement"]) {
    std::string sid = statement.isObject() ? statement.get("Sid", "").asString() : "";
    keyed.emplace_back(sid + '\n' + Json::writeString(compact, statement), statement);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Json::Value out = document;
  out["Statement"] = Json::arrayValue;
  for (auto& [key, statement] : keyed) out["Statement"].append(std::move(statement));
  return out;
}

enum class Op { kKeep, kRemove, kAdd };

struct Edit {
  Op op;
  std::string line;
};

// The shortest edit script by longest common subsequence. The lines both documents start and end
// with are kept without the table: a plan usually changes a few statements, and the table is
// quadratic in the lines left between them.
std::vector<Edit> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
    ++tail;
  std::size_t n = a.size() - head - tail;
  std::size_t m = b.size() - head - tail;
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  for (std::size_t k = 0; k < head; ++k) edits.push_back({Op::kKeep, a[k]});
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] == b[head + j]) {
      edits.push_back({Op::kKeep, a[head + i++]});
      ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      edits.push_back({Op::kAdd, b[head + j++]});
    } else {
      edits.push_back({Op::kRemove, a[head + i++]});
    }
  }
  for (std::size_t k = a.size() - tail; k < a.size(); ++k) edits.push_back({Op::kKeep, a[k]});
  return edits;
}

std::string Range(std::size_t start, std::size_t count) {
  // As diff -u: the line before an empty range, else the first line (1-based).
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::vector<std::string> CanonicalDocumentLines(const Json::Value& document) {
  if (document.isNull()) return {};
  Json::StreamWriterBuilder pretty;
  pretty["indentation"] = "  ";
  std::istringstream text(Json::writeString(pretty, Canonical(document)));
  std::vector<std::string> lines;
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> DocumentDiff(const Json::Value& from, const Json::Value& to,
                                      const std::string& from_label, const std::string& to_label,
                                      std::size_t context) {
  std::vector<Edit> edits = EditScript(CanonicalDocumentLines(from), CanonicalDocumentLines(to));
  std::vector<std::string> out;
  std::size_t k = 0;
  std::size_t from_line = 0;  // lines of `from` and `to` before edits[k]
  std::size_t to_line = 0;
  while (k < edits.size()) {
    auto change = std::find_if(edits.begin() + static_cast<std::ptrdiff_t>(k), edits.end(),
                               [](const Edit& e) { return e.op != Op::kKeep; });
    if (change == edits.end()) break;
    std::size_t first_change = static_cast<std::size_t>(change - edits.begin());
    std::size_t start = first_change > k + context ? first_change - context : k;
    from_line += start - k;  // edits before `start` are unchanged lines
    to_line += start - k;
    k = start;
    // The hunk runs until `context` * 2 unchanged lines in a row follow its last change.
    std::size_t end = first_change;
    std::size_t quiet = 0;
    for (std::size_t e = first_change; e < edits.size(); ++e) {
      if (edits[e].op == Op::kKeep) {
        if (++quiet > 2 * context) break;
      } else {
        quiet = 0;
        end = e;
      }
    }
    end = std::min(edits.size(), end + 1 + context);
    if (out.empty()) {
      out.push_back("--- " + from_label);
      out.push_back("+++ " + to_label);
    }
    std::size_t from_count = 0;
    std::size_t to_count = 0;
    for (std::size_t e = start; e < end; ++e) {
      from_count += edits[e].op != Op::kAdd ? 1 : 0;
      to_count += edits[e].op != Op::kRemove ? 1 : 0;
    }
    out.push_back("@@ -" + Range(from_line, from_count) + " +" + Range(to_line, to_count) + " @@");
    for (; k < end; ++k) {
      const Edit& e = edits[k];
      out.push_back((e.op == Op::kKeep ? " " : e.op == Op::kRemove ? "-" : "+") + e.line);
    }
    from_line += from_count;
    to_line += to_count;
  }
  return out;
}

}  // namespace govd::daemon
