// libFuzzer target for the XML reader of AWS responses and the error-body parser on top of it:
// any input must give a tree or an Error, never a crash, a hang or unbounded memory (DOCTYPE
// and entities are refused, depth and size are bounded).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "accounts/aws/aws_error.h"
#include "accounts/aws/xml_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto root = govd::accounts::ParseXml(text);
  if (root) (void)root->Find({"Error", "Code"});
  govd::accounts::HttpResponse response;
  response.status = 400;
  response.body = std::string(text);
  (void)govd::accounts::ParseAwsErrorResponse("s3", "Fuzz", response);
  return 0;
}
