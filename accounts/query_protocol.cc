#include "accounts/query_protocol.h"

#include "signer/canonical_request.h"

namespace govd::accounts {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EncodeForm(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += signer::UriEncode(name) + "=" + signer::UriEncode(value);
  }
  return out;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    int high = i + 2 < text.size() && text[i] == '%' ? HexValue(text[i + 1]) : -1;
    int low = high >= 0 ? HexValue(text[i + 2]) : -1;
    if (low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
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
