#include "accounts/aws/aws_endpoint.h"

namespace govd::accounts {

Result<AwsEndpoint> ParseEndpointUrl(std::string_view url, std::string signing_service,
                                     std::string signing_region) {
  auto scheme_end = url.find("://");
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme_end == std::string_view::npos || (scheme != "http" && scheme != "https")) {
    return InvalidArgument("endpoint '" + std::string(url) + "' must start with http:// or https://", "endpoint");
  }
  std::string_view host = url.substr(scheme_end + 3);
  if (host.ends_with('/')) host.remove_suffix(1);
  if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos) {
    return InvalidArgument("endpoint '" + std::string(url) + "' must be scheme://host[:port] without a path",
                           "endpoint");
  }
  return AwsEndpoint{std::string(scheme), std::string(host), std::move(signing_region),
                     std::move(signing_service)};
}

AwsEndpoint DefaultS3Endpoint(std::string_view region) {
  return {"https", "s3." + std::string(region) + ".amazonaws.com", std::string(region), "s3"};
}

AwsEndpoint DefaultStsEndpoint(std::string_view region) {
  return {"https", "sts." + std::string(region) + ".amazonaws.com", std::string(region), "sts"};
}

AwsEndpoint DefaultIamEndpoint() { return {"https", "iam.amazonaws.com", "us-east-1", "iam"}; }

AwsEndpoint DefaultOrganizationsEndpoint() {
  return {"https", "organizations.us-east-1.amazonaws.com", "us-east-1", "organizations"};
}

}  // namespace govd::accounts
