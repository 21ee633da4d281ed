// signer/canonical_request.h
// Step 1 of SigV4: the byte-exact canonical form of an HTTP request:
//   METHOD \n CANONICAL-URI \n CANONICAL-QUERY \n CANONICAL-HEADERS \n \n SIGNED-HEADERS \n HASH
// and its parts (URI encoding, path normalization, query and header canonicalization), each
// exposed so that tests and the fuzzer reach every step.
// Pure: no clock, no I/O, no credentials. Same input, same bytes. Thread safe.
// Rejects (InvalidArgument naming the field) header names that are not printable ASCII tokens
// and header values containing CR, LF or other control characters other than tab.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/uri.h"
#include "signer/crypto.h"
#include "signer/signable_request.h"
#include "signer/signing_params.h"

namespace govd::signer {

// Splits a query string as it appears on the wire ("a=1&b=%2F&c") into DECODED parameters
// (a missing '=' gives an empty value; empty pairs are skipped; '+' stays '+'). Invalid
// %-escapes are kept as they are.
std::vector<QueryParam> DecodeQueryString(std::string_view query);

// Removes "." and ".." segments and empty segments ("//"), keeping a trailing '/':
// "//a/./b/../c/" -> "/a/c/". An empty result is "/".
std::string NormalizePath(std::string_view path);

// The canonical URI: the wire path, normalized when params.normalize_path, percent-encoded
// once more when params.double_uri_encode (S3: neither, the path is used as sent).
std::string CanonicalUri(std::string_view path, const SigningParams& params);

// Encodes names and values, sorts by name then value, joins with '&': "a=1&a=2&b=".
std::string CanonicalQuery(std::span<const QueryParam> query,
                           std::span<const QueryParam> extra = {});

// The same from a query already encoded as a URL carries it ("b=2&a=1", every pair with its '=',
// names and values encoded as AppendUriEncoded does): its pairs sorted, nothing encoded again.
std::string CanonicalQueryOfEncoded(std::string_view encoded_query);

// Canonical headers ("name:value\n" lines: names lower-cased and sorted, values trimmed with
// inner space runs collapsed, repeated names joined with ',') and the signed header list
// ("host;x-amz-date"). `extra` are the headers the signer adds (x-amz-date, ...).
struct CanonicalHeaders {
  std::string lines;
  std::string signed_names;
};
Result<CanonicalHeaders> BuildCanonicalHeaders(std::span<const HttpHeader> headers,
                                               std::span<const HttpHeader> extra = {});

// Header names compare without regard to ASCII case.
bool SameHeaderName(std::string_view a, std::string_view b);

// True for headers SigV4 never signs here: authorization, user-agent, expect, x-amzn-trace-id.
bool IsUnsignedHeader(std::string_view name);

// Everything the canonical request is built from; the signer fills it in signature.cc.
struct CanonicalRequestInput {
  const SignableRequest& request;
  const SigningParams& params;
  std::span<const HttpHeader> extra_headers;  // added by the signer and signed
  std::span<const QueryParam> extra_query;    // X-Amz-* parameters of a presigned URL
  std::string_view payload_hash;              // hex SHA-256 or UNSIGNED-PAYLOAD
  // When set, used instead of building the headers from request + extra_headers (a presigned
  // URL needs the signed header names before its query is complete).
  const CanonicalHeaders* headers = nullptr;
  // When set, the query as encoded for the URL (see CanonicalQueryOfEncoded), used instead of
  // encoding request.query + extra_query again (Presign encodes a session token once).
  const std::string_view* encoded_query = nullptr;
};

struct CanonicalRequest {
  std::string text;
  std::string signed_names;
};
Result<CanonicalRequest> BuildCanonicalRequest(const CanonicalRequestInput& input);

// The SHA-256 of the canonical request BuildCanonicalRequest builds, hashed as it is built (the
// text, which may hold a session token, is never copied whole), and its signed header list.
struct CanonicalRequestHash {
  Sha256Digest digest{};
  std::string signed_names;
};
Result<CanonicalRequestHash> HashCanonicalRequest(const CanonicalRequestInput& input);

}  // namespace govd::signer
