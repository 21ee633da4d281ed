// base/uri.h
// RFC 3986 percent-encoding and decoding, as SigV4 and every AWS request, the control API's
// routes and govctl's URLs want it. Pure, thread safe; never fails (a bad escape is kept as it is).
#pragma once

#include <string>
#include <string_view>

namespace govd {

// RFC 3986 percent-encoding as SigV4 wants it: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX
// (upper-case hex); '/' is kept when keep_slash. Appends to `out`.
void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash);
std::string UriEncode(std::string_view bytes);      // query names/values ('/' -> %2F)
std::string UriEncodePath(std::string_view bytes);  // raw path or S3 key -> wire path

// The inverse of UriEncode: decodes %XX escapes; invalid escapes and '+' are kept as they are.
std::string PercentDecode(std::string_view text);

}  // namespace govd
