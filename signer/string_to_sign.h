// signer/string_to_sign.h
// Step 2 of SigV4: the credential scope ("20150830/us-east-1/service/aws4_request") and the
// string to sign: "AWS4-HMAC-SHA256\n" amz_date "\n" scope "\n" hex(SHA-256(canonical request)).
// Also validates the date, region and service that go into them.
// Pure: no clock, no I/O, no credentials. Thread safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "signer/crypto.h"
#include "signer/signing_params.h"

namespace govd::signer {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// OK when amz_date is ISO-8601 basic UTC ("YYYYMMDDTHHMMSSZ", a real calendar date and time)
// and region and service are non-empty [a-z0-9-]; otherwise InvalidArgument naming the field.
Status ValidateSigningParams(const SigningParams& params);

// "YYYYMMDD" of an amz_date. REQUIRES: ValidateSigningParams passed.
inline std::string_view DateStamp(std::string_view amz_date) { return amz_date.substr(0, 8); }

std::string CredentialScope(std::string_view date8, std::string_view region,
                            std::string_view service);

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request);
// The same from the canonical request's SHA-256 (see HashCanonicalRequest).
std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              const Sha256Digest& canonical_request_hash);

}  // namespace govd::signer
