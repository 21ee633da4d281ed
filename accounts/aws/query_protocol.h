// accounts/aws/query_protocol.h
// The AWS query protocol of STS and IAM: an Action with its parameters POSTed as a form
// (RFC 3986 encoding, so a space is %20: RadosGW does not decode '+'), answered with
// <ActionResponse><ActionResult>...</ActionResult></ActionResponse> XML.
// Thread safety: as AwsCaller. Never logs; parameters may hold policy documents and tokens.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/aws/aws_caller.h"
#include "accounts/aws/xml_document.h"

namespace govd::accounts {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Sends Action=`action`&Version=`version`&params and returns the <`action`Result> element (an
// empty element for actions that return nothing).
AwsResult<XmlElement> CallQueryAction(AwsCaller& caller, const std::string& action, std::string_view version,
                                      const QueryParams& params);

// The form body: "Action=GetRole&Version=2010-05-08&RoleName=x".
std::string EncodeForm(const QueryParams& params);

}  // namespace govd::accounts
