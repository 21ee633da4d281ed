#include "signer/signature.h"

#include <utility>

#include "signer/canonical_request.h"
#include "signer/crypto.h"

namespace govd::signer {
namespace {

// The payload hash; points into `storage` when the body is hashed.
std::string_view PayloadHash(const SignableRequest& request, const SigningParams& params,
                             std::string& storage) {
  switch (params.payload) {
    case PayloadMode::kHashBody:
      storage = Sha256Hex(request.body);
      return storage;
    case PayloadMode::kUnsignedPayload:
      return kUnsignedPayload;
    case PayloadMode::kPrecomputed:
      return params.payload_hash;
  }
  return {};
}

std::string Scope(const SigningParams& params) {
  return CredentialScope(DateStamp(params.amz_date), params.region, params.service);
}

Status CheckAccessKey(const Credentials& credentials) {
  if (credentials.access_key_id().empty()) {
    return InvalidArgument("access key id is empty", "access_key_id");
  }
  if (credentials.secret_access_key().empty()) {
    return InvalidArgument("secret access key is empty", "secret_access_key");
  }
  return Ok();
}

// The header the signer adds must not also come from the caller: it would be signed twice.
Status CheckNotSupplied(const SignableRequest& request, std::string_view name) {
  for (const auto& header : request.headers) {
    if (SameHeaderName(header.name, name)) {
      return InvalidArgument("header \"" + header.name + "\" is added by the signer; leave it out",
                             "headers");
    }
  }
  return Ok();
}

// The canonical request's hash and signed header list. Without a trace the request is hashed as
// it is built and its text (with any session token) never exists; with one, the text goes there.
Result<CanonicalRequestHash> HashCanonical(const CanonicalRequestInput& input, SigningTrace* trace) {
  if (trace == nullptr) return HashCanonicalRequest(input);
  GOVD_ASSIGN_OR_RETURN(CanonicalRequest canonical, BuildCanonicalRequest(input));
  CanonicalRequestHash hash{Sha256(canonical.text), std::move(canonical.signed_names)};
  trace->canonical_request = std::move(canonical.text);
  return hash;
}

std::string SignatureHex(const SigningParams& params, const Credentials& credentials, SigningKeyCache* cache,
                         std::string_view scope, const Sha256Digest& canonical_hash, SigningTrace* trace) {
  const std::string_view date8 = DateStamp(params.amz_date);
  std::string string_to_sign = BuildStringToSign(params.amz_date, scope, canonical_hash);
  const Sha256Digest signature =
      cache != nullptr
          ? cache->Get(credentials, date8, params.region, params.service)->Sign(string_to_sign)
          : SigningKey::Derive(credentials.secret_access_key(), date8, params.region, params.service)
                .Sign(string_to_sign);
  std::string hex;
  hex.reserve(64);
  AppendHex(hex, signature);
  if (trace != nullptr) trace->string_to_sign = std::move(string_to_sign);
  return hex;
}

Status CheckHeaderSigningInput(const SignableRequest& request, const SigningParams& params,
                               const Credentials& credentials) {
  GOVD_TRY(CheckAccessKey(credentials));
  GOVD_TRY(CheckNotSupplied(request, "x-amz-date"));
  GOVD_TRY(CheckNotSupplied(request, "authorization"));
  if (credentials.has_session_token()) GOVD_TRY(CheckNotSupplied(request, "x-amz-security-token"));
  if (params.add_content_sha256_header) GOVD_TRY(CheckNotSupplied(request, "x-amz-content-sha256"));
  return Ok();
}

std::string AuthorizationValue(std::string_view access_key_id, std::string_view scope,
                               std::string_view signed_names, std::string_view signature) {
  std::string value;
  value.reserve(kAlgorithm.size() + access_key_id.size() + scope.size() + signed_names.size() +
                signature.size() + 40);
  value.append(kAlgorithm).append(" Credential=").append(access_key_id).append(1, '/');
  value.append(scope).append(", SignedHeaders=").append(signed_names);
  value.append(", Signature=").append(signature);
  return value;
}

Status CheckExpires(std::int64_t expires_seconds) {
  if (expires_seconds < kMinPresignExpiresSeconds || expires_seconds > kMaxPresignExpiresSeconds) {
    return InvalidArgument("X-Amz-Expires must be between 1 and 604800 seconds (7 days), got " +
                               std::to_string(expires_seconds),
                           "X-Amz-Expires");
  }
  return Ok();
}

std::string_view HostOf(const SignableRequest& request) {
  for (const auto& header : request.headers) {
    if (SameHeaderName(header.name, "host")) return header.value;
  }
  return {};
}

void AppendQuery(std::string& out, std::span<const QueryParam> params) {
  for (const auto& param : params) {
    if (out.back() != '?') out.push_back('&');
    AppendUriEncoded(out, param.name, false);
    out.push_back('=');
    AppendUriEncoded(out, param.value, false);
  }
}

// An upper bound of the encoded length of params ("&name=value", each byte at most "%XX"), so
// that the URL, which carries the session token, is never reallocated (and a copy freed unwiped).
std::size_t EncodedBytes(std::span<const QueryParam> params) {
  std::size_t n = 0;
  for (const auto& param : params) n += 3 * (param.name.size() + param.value.size()) + 2;
  return n;
}

}  // namespace

std::string PresignedRequest::Url(std::string_view scheme) const {
  std::string url;
  url.reserve(scheme.size() + 3 + host.size() + path_and_query.size());
  url.append(scheme).append("://").append(host).append(path_and_query);
  return url;
}

Result<SignedHeaders> SignHeaders(const SignableRequest& request, const SigningParams& params,
                                  const Credentials& credentials, SigningKeyCache* cache,
                                  SigningTrace* trace) {
  GOVD_TRY(ValidateSigningParams(params));
  GOVD_TRY(CheckHeaderSigningInput(request, params, credentials));
  std::string storage;
  const std::string_view payload_hash = PayloadHash(request, params, storage);
  const std::string scope = Scope(params);
  SignedHeaders result;
  auto& added = result.headers_to_add;
  added.reserve(4);
  if (credentials.has_session_token()) {
    added.push_back({"X-Amz-Security-Token", std::string(credentials.session_token())});
  }
  added.push_back({"X-Amz-Date", params.amz_date});
  if (params.add_content_sha256_header) added.push_back({"x-amz-content-sha256", std::string(payload_hash)});
  const std::size_t unsigned_prefix = credentials.has_session_token() && params.omit_session_token ? 1 : 0;
  const CanonicalRequestInput input{request, params, std::span(added).subspan(unsigned_prefix), {},
                                    payload_hash};
  GOVD_ASSIGN_OR_RETURN(CanonicalRequestHash canonical, HashCanonical(input, trace));
  result.signature = SignatureHex(params, credentials, cache, scope, canonical.digest, trace);
  result.signed_header_names = std::move(canonical.signed_names);
  added.push_back({"Authorization", AuthorizationValue(credentials.access_key_id(), scope,
                                                       result.signed_header_names, result.signature)});
  return result;
}

Result<PresignedRequest> Presign(const SignableRequest& request, const SigningParams& params,
                                 const Credentials& credentials, std::int64_t expires_seconds,
                                 SigningKeyCache* cache, SigningTrace* trace) {
  GOVD_TRY(CheckExpires(expires_seconds));
  GOVD_TRY(ValidateSigningParams(params));
  GOVD_TRY(CheckAccessKey(credentials));
  std::string storage;
  const std::string_view payload_hash = PayloadHash(request, params, storage);
  const std::string scope = Scope(params);
  GOVD_ASSIGN_OR_RETURN(CanonicalHeaders headers, BuildCanonicalHeaders(request.headers));
  PresignedRequest result;
  auto& added = result.params_to_add;
  added.reserve(7);
  added.push_back({"X-Amz-Algorithm", std::string(kAlgorithm)});
  added.push_back({"X-Amz-Credential", credentials.access_key_id() + "/" + scope});
  added.push_back({"X-Amz-Date", params.amz_date});
  added.push_back({"X-Amz-SignedHeaders", headers.signed_names});
  added.push_back({"X-Amz-Expires", std::to_string(expires_seconds)});
  const bool sign_token = credentials.has_session_token() && !params.omit_session_token;
  if (credentials.has_session_token()) {
    added.push_back({"X-Amz-Security-Token", std::string(credentials.session_token())});
  }
  // Each parameter is encoded once, for the URL; the canonical query is its signed part, sorted.
  std::string& url = result.path_and_query;
  url.reserve(request.path.size() + EncodedBytes(request.query) + EncodedBytes(added) + 100);
  url = request.path.empty() ? "/" : request.path;
  url.push_back('?');
  const std::size_t query_start = url.size();
  AppendQuery(url, request.query);
  AppendQuery(url, std::span(added).first(sign_token ? 6 : 5));
  const std::string_view signed_query = std::string_view(url).substr(query_start);
  const CanonicalRequestInput input{request, params, {}, {}, payload_hash, &headers, &signed_query};
  GOVD_ASSIGN_OR_RETURN(CanonicalRequestHash canonical, HashCanonical(input, trace));
  result.signature = SignatureHex(params, credentials, cache, scope, canonical.digest, trace);
  if (credentials.has_session_token() && !sign_token) AppendQuery(url, std::span(added).last(1));
  added.push_back({"X-Amz-Signature", result.signature});
  AppendQuery(url, std::span(added).last(1));
  result.host = std::string(HostOf(request));
  return result;
}

}  // namespace govd::signer
