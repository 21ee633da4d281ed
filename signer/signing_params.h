// signer/signing_params.h
// How to sign: region, service, the date (an input, never read from a clock, so the same
// inputs always give the same signature) and the flags that differ between services (S3 uses
// single URI encoding, no path normalization and usually UNSIGNED-PAYLOAD).
// Thread safety: a plain value. Holds no credentials.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace govd::signer {

// Where the payload hash in the canonical request comes from.
enum class PayloadMode {
  kHashBody,         // SHA-256 of SignableRequest::body (the empty string when there is none)
  kUnsignedPayload,  // the literal "UNSIGNED-PAYLOAD" (S3 over TLS)
  kPrecomputed,      // SigningParams::payload_hash as given (64 lower-case hex digits)
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

inline constexpr std::int64_t kMinPresignExpiresSeconds = 1;
inline constexpr std::int64_t kMaxPresignExpiresSeconds = 604800;  // 7 days, AWS's limit

struct SigningParams {
  std::string region;    // "us-east-1"; non-empty, [a-z0-9-]
  std::string service;   // "s3", "sts", "iam", ...; non-empty, [a-z0-9-]
  std::string amz_date;  // ISO-8601 basic UTC: "20261124T120000Z"

  // Generic AWS services: true/true. S3: false/false (the path is signed exactly as sent).
  bool double_uri_encode = true;
  bool normalize_path = true;

  PayloadMode payload = PayloadMode::kHashBody;
  std::string payload_hash;  // only for PayloadMode::kPrecomputed

  // Header signing: add (and sign) "x-amz-content-sha256: <payload hash>". S3 requires it.
  // Query signing never adds it.
  bool add_content_sha256_header = false;
  // Add the session token to the request but leave it out of the signature (a few services,
  // e.g. IoT, want it so).
  bool omit_session_token = false;
};

// The parameters S3 expects: no double encoding, no normalization, UNSIGNED-PAYLOAD and the
// x-amz-content-sha256 header.
SigningParams S3SigningParams(std::string region, std::string amz_date);

// The parameters of every other service: double encoding, normalization, hashed body.
SigningParams ServiceSigningParams(std::string service, std::string region, std::string amz_date);

}  // namespace govd::signer
