// policy/managed/reader_trust.h
// The statements govd owns in the trust policy of a child's reader role (the role the central
// account assumes to read what was granted), and the document to write. govd's statement lets one
// trusted principal assume the role (with an sts:ExternalId condition when one is agreed) while a
// live grant needs it; when none does and no foreign statement is left, a managed Deny keeps the
// document valid (IAM refuses a trust policy without statements) and lets nobody in.
// Pure, thread safe. Foreign statements (Sids without the managed prefix) are kept exactly as
// they were; the only Allow govd writes names the trusted principal.
#pragma once

#include <json/value.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::policy {

inline constexpr std::string_view kReaderTrustSid = "GovdManagedReaderTrust";
inline constexpr std::string_view kReaderTrustNobodySid = "GovdManagedReaderTrustNobody";

struct ReaderTrustPlan {
  bool change = false;       // false: the managed statements are already as desired
  bool allows = false;       // the planned document has govd's Allow for the trusted principal
  Json::Value document;      // the document to write (when change)
};

// `actual` is the role's trust policy as IAM returned it (parsed). `needed`: a live grant names
// the role. Errors (kInvalidArgument) name what is wrong: an actual document that is no trust
// policy, a trusted principal that is no ARN.
Result<ReaderTrustPlan> PlanReaderTrust(const Json::Value& actual, bool needed, std::string_view trusted,
                                        std::string_view external_id);

// True when `document` holds govd's Allow statement exactly as PlanReaderTrust renders it.
bool HasReaderTrustAllow(const Json::Value& document, std::string_view trusted, std::string_view external_id);

}  // namespace govd::policy
