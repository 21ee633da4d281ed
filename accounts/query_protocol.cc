#include "accounts/query_protocol.h"

#include "signer/canonical_request.h"

namespace govd::accounts {
std::string EncodeForm(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += signer::UriEncode(name) + "=" + signer::UriEncode(value);
  }
  return out;
}

AwsResult<XmlElement> CallQueryAction(AwsCaller& caller, const std::string& action, std::string_view version,
                                      const QueryParams& params) {
  QueryParams form{{"Action", action}, {"Version", std::string(version)}};
  form.insert(form.end(), params.begin(), params.end());
  AwsRequest request;
  request.operation = action;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = EncodeForm(form);
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller.Call(request));
  GOVD_ASSIGN_OR_RETURN(XmlElement root, ParseXml(response.body));
  if (root.name != action + "Response") {
    return InvalidArgument(caller.endpoint().signing_service + " " + action + ": answer has root <" + root.name +
                           ">, expected <" + action + "Response>");
  }
  const XmlElement* result = root.Child(action + "Result");
  return result != nullptr ? *result : XmlElement{};
}

}  // namespace govd::accounts
