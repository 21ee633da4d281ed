// signer/signable_request.h
// What SigV4 signs: method, path, query parameters, headers and the body (or its hash, see
// SigningParams::payload). The signer reads it and never changes it; the headers or query
// parameters to add come back as data (signature.h).
// Thread safety: a plain value. Holds no credentials.
//
//   SignableRequest req;
//   req.method = "GET";
//   req.path = "/shared/reports/2026/q3.csv";       // as sent on the wire (already %-encoded)
//   req.query = {{"versionId", "3/L4kqtJl40Nr8X8gdRQBpUMLUo"}};  // decoded names and values
//   req.headers = {{"host", "examplebucket.s3.us-east-1.amazonaws.com"}};
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace govd::signer {

struct HttpHeader {
  std::string name;   // any case; printable ASCII without ':' and whitespace
  std::string value;  // no CR or LF (unfold folded lines before); spaces are trimmed/collapsed
};

// One query parameter, DECODED: the signer percent-encodes names and values itself.
// Duplicate names and empty values are allowed.
struct QueryParam {
  std::string name;
  std::string value;
};

struct SignableRequest {
  std::string method;  // "GET", "POST", ... (used as given)
  // The path exactly as it goes on the wire: percent-encoded by the caller (see UriEncodePath in
  // canonical_request.h for S3 object keys), starting with '/'. Empty means "/".
  std::string path;
  std::vector<QueryParam> query;
  // Every header that is sent and should be signed. Must include "host". Repeated names are
  // signed as one header with the values joined by ','. "authorization", "user-agent",
  // "expect" and "x-amzn-trace-id" are never signed (proxies rewrite them).
  std::vector<HttpHeader> headers;
  // The body, hashed when SigningParams::payload is kHashBody. Not owned: it must outlive the
  // signing call.
  std::string_view body;
};

}  // namespace govd::signer
