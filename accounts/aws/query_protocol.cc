#include "accounts/aws/query_protocol.h"

#include <utility>

#include "base/uri.h"
#include "signer/credentials.h"

namespace govd::accounts {
std::string EncodeForm(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += govd::UriEncode(name) + "=" + govd::UriEncode(value);
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
  Result<XmlElement> parsed = ParseXml(response.body);
  signer::WipeString(response.body);  // an STS answer holds a secret key and a session token
  GOVD_ASSIGN_OR_RETURN(XmlElement root, std::move(parsed));
  if (root.name != action + "Response") {
    const std::string root_name = root.name;
    WipeXmlTree(root);
    return InvalidArgument(caller.endpoint().signing_service + " " + action + ": answer has root <" +
                           root_name + ">, expected <" + action + "Response>");
  }
  // Moved out, not copied: the caller wipes what it took (StsClient), and the rest is wiped here.
  XmlElement result;
  const std::string result_name = action + "Result";
  for (XmlElement& child : root.children) {
    if (child.name == result_name) {
      result = std::move(child);
      break;
    }
  }
  WipeXmlTree(root);
  return result;
}

}  // namespace govd::accounts
