// accounts/aws/aws_endpoint.h
// Where each AWS service is reached and how it is signed: the scheme and host of the endpoint,
// the signing region and service name, and for S3 path-style vs virtual-hosted addressing. The
// defaults are AWS's public endpoints; overrides point the same clients at a local RadosGW.
// Pure values. Thread safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::accounts {

struct AwsEndpoint {
  std::string scheme;          // "https" or "http"
  std::string host;            // "s3.eu-west-2.amazonaws.com" or "127.0.0.1:7480"
  std::string signing_region;  // "eu-west-2"; "us-east-1" for IAM and Organizations
  std::string signing_service; // "s3", "sts", "iam", "organizations"

  std::string BaseUrl() const { return scheme + "://" + host; }
};

// "http://127.0.0.1:7480" -> {http, 127.0.0.1:7480}. Only http and https, no path, no userinfo.
Result<AwsEndpoint> ParseEndpointUrl(std::string_view url, std::string signing_service,
                                     std::string signing_region);

// AWS's public endpoints (commercial partition).
AwsEndpoint DefaultS3Endpoint(std::string_view region);
AwsEndpoint DefaultStsEndpoint(std::string_view region);
AwsEndpoint DefaultIamEndpoint();
AwsEndpoint DefaultOrganizationsEndpoint();

}  // namespace govd::accounts
