// daemon/api/document_diff.h
// A unified-style diff of two JSON documents (a bucket's actual policy and the desired one), for
// `govctl plan` and `govd --dry-run`: each document is written in one canonical form (members
// sorted by name, two-space indent, statements of a policy ordered by Sid, then by text) so that
// only statements added, removed or changed show, not the order S3 happened to return.
// Pure, thread safe. It never reads or writes anything but its arguments.
#pragma once

#include <json/value.h>

#include <string>
#include <vector>

namespace govd::daemon {

// The canonical text of a document, one line per element ("" for null: no policy).
std::vector<std::string> CanonicalDocumentLines(const Json::Value& document);

// "--- from_label" and "+++ to_label", then hunks ("@@ -a,b +c,d @@") of lines prefixed with ' ',
// '-' or '+' and `context` unchanged lines around each change. Empty when the canonical texts are
// the same.
std::vector<std::string> DocumentDiff(const Json::Value& from, const Json::Value& to,
                                      const std::string& from_label, const std::string& to_label,
                                      std::size_t context = 3);

}  // namespace govd::daemon
