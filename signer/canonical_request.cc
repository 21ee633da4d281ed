#include "signer/canonical_request.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace govd::signer {
namespace {

constexpr bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 7230 tchar: the bytes allowed in a header name (and an HTTP method).
constexpr bool IsTokenChar(unsigned char c) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
}

constexpr char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

constexpr bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool LessIgnoreCase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<unsigned char>(ToLower(x)) < static_cast<unsigned char>(ToLower(y));
      });
}

// ---- canonical query ----

struct EncodedParam {
  std::uint32_t begin;      // offset of the encoded name in the buffer
  std::uint32_t name_end;   // end of the name, start of the value
  std::uint32_t value_end;  // end of the value
};

void EncodeParams(std::span<const QueryParam> params, std::string& buffer,
                  std::vector<EncodedParam>& out) {
  for (const auto& param : params) {
    EncodedParam encoded{};
    encoded.begin = static_cast<std::uint32_t>(buffer.size());
    AppendUriEncoded(buffer, param.name, false);
    encoded.name_end = static_cast<std::uint32_t>(buffer.size());
    AppendUriEncoded(buffer, param.value, false);
    encoded.value_end = static_cast<std::uint32_t>(buffer.size());
    out.push_back(encoded);
  }
}

void AppendCanonicalQuery(std::string& out, std::span<const QueryParam> query,
                          std::span<const QueryParam> extra) {
  if (query.empty() && extra.empty()) return;
  std::string buffer;
  std::vector<EncodedParam> params;
  params.reserve(query.size() + extra.size());
  EncodeParams(query, buffer, params);
  EncodeParams(extra, buffer, params);
  const std::string_view all = buffer;
  auto name = [&](const EncodedParam& p) { return all.substr(p.begin, p.name_end - p.begin); };
  auto value = [&](const EncodedParam& p) { return all.substr(p.name_end, p.value_end - p.name_end); };
  std::sort(params.begin(), params.end(), [&](const EncodedParam& a, const EncodedParam& b) {
    const int by_name = name(a).compare(name(b));
    return by_name != 0 ? by_name < 0 : value(a) < value(b);
  });
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i != 0) out.push_back('&');
    out.append(name(params[i])).append(1, '=').append(value(params[i]));
  }
}

// ---- canonical headers ----

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

Status CheckHeader(const HttpHeader& header, std::size_t index) {
  const std::string where = "headers[" + std::to_string(index) + "]";
  if (header.name.empty()) return InvalidArgument("header name is empty", where + ".name");
  for (char c : header.name) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) {
      return InvalidArgument("header name holds a byte that is not a printable ASCII token "
                             "character (RFC 7230 tchar)",
                             where + ".name");
    }
  }
  for (char c : header.value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return InvalidArgument("value of header \"" + header.name +
                                 "\" holds a control character (CR, LF, NUL, ...); unfold "
                                 "folded lines before signing",
                             where + ".value");
    }
  }
  return Ok();
}

Result<std::vector<HeaderView>> SortedHeaders(std::span<const HttpHeader> headers,
                                              std::span<const HttpHeader> extra) {
  std::vector<HeaderView> views;
  views.reserve(headers.size() + extra.size());
  for (std::size_t i = 0; i < headers.size(); ++i) {
    GOVD_TRY(CheckHeader(headers[i], i));
    if (!IsUnsignedHeader(headers[i].name)) views.push_back({headers[i].name, headers[i].value});
  }
  for (const auto& header : extra) views.push_back({header.name, header.value});
  std::stable_sort(views.begin(), views.end(), [](const HeaderView& a, const HeaderView& b) {
    return LessIgnoreCase(a.name, b.name);
  });
  return views;
}

void AppendLowerCase(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(ToLower(c));
}

// Trims the value and collapses each inner run of spaces and tabs into one space.
void AppendTrimmedValue(std::string& out, std::string_view value) {
  bool pending_space = false;
  bool started = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    out.push_back(c);
    pending_space = false;
    started = true;
  }
}

void AppendHeaderGroups(CanonicalHeaders& result, std::span<const HeaderView> views) {
  for (std::size_t i = 0; i < views.size();) {
    if (i != 0) result.signed_names.push_back(';');
    AppendLowerCase(result.signed_names, views[i].name);
    AppendLowerCase(result.lines, views[i].name);
    result.lines.push_back(':');
    std::size_t j = i;
    for (; j < views.size() && SameHeaderName(views[j].name, views[i].name); ++j) {
      if (j != i) result.lines.push_back(',');
      AppendTrimmedValue(result.lines, views[j].value);
    }
    result.lines.push_back('\n');
    i = j;
  }
}

// ---- path ----

Status CheckRequestLine(const SignableRequest& request) {
  if (request.method.empty()) return InvalidArgument("method is empty", "method");
  for (char c : request.method) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) {
      return InvalidArgument("method \"" + request.method + "\" is not an HTTP token", "method");
    }
  }
  if (!request.path.empty() && request.path.front() != '/') {
    return InvalidArgument("path must start with '/'", "path");
  }
  for (char c : request.path) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '?' || c == '#') {
      return InvalidArgument("path holds a control character, '?' or '#' (encode it)", "path");
    }
  }
  return Ok();
}

void AppendCanonicalUri(std::string& out, std::string_view path, const SigningParams& params) {
  if (path.empty()) path = "/";
  if (!params.normalize_path) {
    if (params.double_uri_encode) {
      AppendUriEncoded(out, path, true);
    } else {
      out.append(path);
    }
    return;
  }
  const std::string normalized = NormalizePath(path);
  if (params.double_uri_encode) {
    AppendUriEncoded(out, normalized, true);
  } else {
    out.append(normalized);
  }
}

}  // namespace

void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (IsUnreserved(u) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const char encoded[3] = {'%', kHex[u >> 4], kHex[u & 0x0f]};
      out.append(encoded, 3);
    }
  }
}

std::string UriEncode(std::string_view bytes) {
  std::string out;
  AppendUriEncoded(out, bytes, false);
  return out;
}

std::string UriEncodePath(std::string_view bytes) {
  std::string out;
  AppendUriEncoded(out, bytes, true);
  return out;
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i != 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && !path.empty() && path.back() == '/') out.push_back('/');
  return out;
}

std::string CanonicalUri(std::string_view path, const SigningParams& params) {
  std::string out;
  AppendCanonicalUri(out, path, params);
  return out;
}

std::string CanonicalQuery(std::span<const QueryParam> query, std::span<const QueryParam> extra) {
  std::string out;
  AppendCanonicalQuery(out, query, extra);
  return out;
}

bool SameHeaderName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ToLower(x) == ToLower(y); });
}

bool IsUnsignedHeader(std::string_view name) {
  return SameHeaderName(name, "authorization") || SameHeaderName(name, "user-agent") ||
         SameHeaderName(name, "expect") || SameHeaderName(name, "x-amzn-trace-id");
}

Result<CanonicalHeaders> BuildCanonicalHeaders(std::span<const HttpHeader> headers,
                                               std::span<const HttpHeader> extra) {
  GOVD_ASSIGN_OR_RETURN(auto views, SortedHeaders(headers, extra));
  const bool has_host = std::any_of(views.begin(), views.end(), [](const HeaderView& h) {
    return SameHeaderName(h.name, "host");
  });
  if (!has_host) return InvalidArgument("the request has no host header; SigV4 signs it", "headers");
  CanonicalHeaders result;
  result.lines.reserve(256);
  AppendHeaderGroups(result, views);
  return result;
}

Result<CanonicalRequest> BuildCanonicalRequest(const CanonicalRequestInput& input) {
  GOVD_TRY(CheckRequestLine(input.request));
  CanonicalHeaders built;
  if (input.headers == nullptr) {
    GOVD_ASSIGN_OR_RETURN(built, BuildCanonicalHeaders(input.request.headers, input.extra_headers));
  }
  const CanonicalHeaders& headers = input.headers != nullptr ? *input.headers : built;
  CanonicalRequest result;
  std::string& text = result.text;
  text.reserve(input.request.method.size() + 2 * input.request.path.size() + headers.lines.size() +
               2 * headers.signed_names.size() + 160);
  text.append(input.request.method).append(1, '\n');
  AppendCanonicalUri(text, input.request.path, input.params);
  text.push_back('\n');
  AppendCanonicalQuery(text, input.request.query, input.extra_query);
  text.push_back('\n');
  text.append(headers.lines).append(1, '\n').append(headers.signed_names).append(1, '\n');
  text.append(input.payload_hash);
  result.signed_names = headers.signed_names;
  return result;
}

}  // namespace govd::signer
