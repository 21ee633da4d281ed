// accounts/aws/organizations_client.h
// AWS Organizations over its JSON 1.1 protocol (POST / with X-Amz-Target): the accounts and OUs
// of the organisation and the service control policies attached to them. Listing calls follow
// NextToken to the end.
// Thread safety: as AwsCaller. Blocks. Never logs.
#pragma once

#include <string>
#include <vector>

#include "accounts/aws/aws_caller.h"

namespace govd::accounts {

struct OrgAccount {
  std::string id;
  std::string arn;
  std::string name;
  std::string email;
  std::string status;  // "ACTIVE", "SUSPENDED", "PENDING_CLOSURE"
};

struct OrgUnit {
  std::string id;  // "ou-ab12-cdef3456"
  std::string arn;
  std::string name;
};

struct OrgPolicySummary {
  std::string id;  // "p-FullAWSAccess"
  std::string arn;
  std::string name;
  std::string description;
  std::string type;  // "SERVICE_CONTROL_POLICY"
  bool aws_managed = false;
};

struct OrgPolicy {
  OrgPolicySummary summary;
  std::string content;  // the policy JSON
};

class OrganizationsClient {
 public:
  OrganizationsClient(AwsEndpoint endpoint, AwsCallerDeps deps) : caller_(std::move(endpoint), deps) {}

  AwsResult<std::vector<OrgAccount>> ListAccounts();
  AwsResult<std::vector<OrgUnit>> ListOrganizationalUnitsForParent(const std::string& parent_id);
  AwsResult<std::vector<OrgAccount>> ListAccountsForParent(const std::string& parent_id);
  // filter: "SERVICE_CONTROL_POLICY", "TAG_POLICY", ...
  AwsResult<std::vector<OrgPolicySummary>> ListPoliciesForTarget(const std::string& target_id,
                                                                 const std::string& filter);
  AwsResult<OrgPolicy> DescribePolicy(const std::string& policy_id);

 private:
  template <typename T>
  AwsResult<std::vector<T>> ListAll(const std::string& operation, const std::string& list_field,
                                    const std::vector<std::pair<std::string, std::string>>& params);

  AwsCaller caller_;
};

}  // namespace govd::accounts
