// signer/signature.h
// The SigV4 entry points: sign a request with headers (Authorization, X-Amz-Date,
// X-Amz-Security-Token, x-amz-content-sha256) or presign it as a URL (X-Amz-* query
// parameters). Both return what to add as DATA; the caller applies it to its HTTP request.
// Runs the stages in order: canonical_request.h -> string_to_sign.h -> signing_key.h.
// Pure: no clock (the date is in SigningParams), no I/O. Thread safe: the only shared state is
// the optional SigningKeyCache, which is itself thread safe.
// Never puts the secret into a result or an Error; the session token is returned only as the
// header or parameter that must carry it.
//
//   SigningKeyCache cache;
//   auto params = S3SigningParams("us-east-1", "20261124T120000Z");
//   GOVD_ASSIGN_OR_RETURN(auto signed_headers, SignHeaders(req, params, credentials, &cache));
//   for (auto& h : signed_headers.headers_to_add) curl_add(h.name, h.value);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "signer/credentials.h"
#include "signer/signable_request.h"
#include "signer/signing_key.h"
#include "signer/signing_params.h"
#include "signer/string_to_sign.h"

namespace govd::signer {

// Header signing. headers_to_add, in this order and spelling:
//   X-Amz-Security-Token (when the credentials have a token), X-Amz-Date,
//   x-amz-content-sha256 (when SigningParams::add_content_sha256_header), Authorization.
struct SignedHeaders {
  std::vector<HttpHeader> headers_to_add;
  std::string signed_header_names;  // "host;x-amz-date"
  std::string signature;            // 64 lower-case hex digits
  // The Authorization header's value (also the last entry of headers_to_add).
  const std::string& authorization() const { return headers_to_add.back().value; }
};

// Query signing (a presigned URL).
struct PresignedRequest {
  // Parameters to append after the request's own query, in AWS's emit order: X-Amz-Algorithm,
  // X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires, [X-Amz-Security-Token],
  // X-Amz-Signature. Values are DECODED.
  std::vector<QueryParam> params_to_add;
  // The request's path and its full query (its own parameters, then params_to_add), encoded
  // and ready to send: "/key?versionId=...&X-Amz-Algorithm=...&X-Amz-Signature=...".
  std::string path_and_query;
  std::string host;       // the request's host header
  std::string signature;  // 64 lower-case hex digits

  // "https://" + host + path_and_query (scheme as given, without "://").
  std::string Url(std::string_view scheme = "https") const;
};

// The intermediate stages of one signature, for tests and debugging (never holds secrets).
struct SigningTrace {
  std::string canonical_request;
  std::string string_to_sign;
};

// Signs with headers. `cache` may be null (the key is then derived each time); `trace`, when
// not null, receives the stages.
Result<SignedHeaders> SignHeaders(const SignableRequest& request, const SigningParams& params,
                                  const Credentials& credentials, SigningKeyCache* cache = nullptr,
                                  SigningTrace* trace = nullptr);

// Presigns for `expires_seconds` (1..604800, else an InvalidArgument error naming
// X-Amz-Expires). Payload: as SigningParams::payload (S3: UNSIGNED-PAYLOAD).
Result<PresignedRequest> Presign(const SignableRequest& request, const SigningParams& params,
                                 const Credentials& credentials, std::int64_t expires_seconds,
                                 SigningKeyCache* cache = nullptr, SigningTrace* trace = nullptr);

}  // namespace govd::signer
