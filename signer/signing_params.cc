#include "signer/signing_params.h"

#include <utility>

namespace govd::signer {

SigningParams S3SigningParams(std::string region, std::string amz_date) {
  SigningParams params;
  params.region = std::move(region);
  params.service = "s3";
  params.amz_date = std::move(amz_date);
  params.double_uri_encode = false;
  params.normalize_path = false;
  params.payload = PayloadMode::kUnsignedPayload;
  params.add_content_sha256_header = true;
  return params;
}

SigningParams ServiceSigningParams(std::string service, std::string region,
                                   std::string amz_date) {
  SigningParams params;
  params.region = std::move(region);
  params.service = std::move(service);
  params.amz_date = std::move(amz_date);
  return params;
}

}  // namespace govd::signer
