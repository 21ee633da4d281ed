// base/json_text.h
// Reads JSON text with jsoncpp, the one way govd does. jsoncpp throws, instead of failing, when
// values nest deeper than its stack limit (found by xml_fuzz through an AWS error body): here that
// is an Error like any other syntax error, and the nesting is bounded. Every layer that reads JSON
// (policies, AWS answers, manifests, control API bodies, stored documents) goes through it.
// Pure and thread safe.
#pragma once

#include <json/value.h>

#include <string_view>

#include "base/result.h"

namespace govd {

// How strictly to read; the defaults are jsoncpp's.
struct JsonSyntax {
  bool strict = false;                 // jsoncpp's strictMode: no comments, one root object or array
  bool reject_duplicate_keys = false;  // also part of strict
  bool fail_if_extra = false;          // text after the value is an error (also part of strict)
};

// Deeper nesting is refused. No document govd reads nests past a dozen levels.
inline constexpr int kMaxJsonNesting = 128;

// The value, or InvalidArgument "<what> is not valid JSON: <jsoncpp's first error>".
Result<Json::Value> ParseJsonText(std::string_view text, std::string_view what, JsonSyntax syntax = {});

}  // namespace govd
