#include "signer/canonical_request.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/uri.h"

namespace govd::signer {
namespace {

// RFC 7230 tchar: the bytes allowed in a header name (and an HTTP method), as a table so that
// each byte costs one load.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  }
  return table;
}();

constexpr bool IsTokenChar(unsigned char c) { return kTokenChars[c]; }

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

// The views of one request's signed headers: on the stack for the usual handful, on the heap
// only for more than kInline.
class HeaderViews {
 public:
  static constexpr std::size_t kInline = 16;
  explicit HeaderViews(std::size_t capacity) {
    if (capacity > kInline) heap_.resize(capacity);
  }
  void Add(HeaderView view) { (heap_.empty() ? inline_.data() : heap_.data())[size_++] = view; }
  std::span<HeaderView> All() { return {heap_.empty() ? inline_.data() : heap_.data(), size_}; }

 private:
  std::array<HeaderView, kInline> inline_{};
  std::vector<HeaderView> heap_;
  std::size_t size_ = 0;
};

constexpr bool IsControlChar(unsigned char u) { return (u < 0x20 && u != '\t') || u == 0x7f; }

// Eight bytes at a time (values such as session tokens are hundreds of bytes long and almost
// never bad): a word that may hold a byte below 0x20 or a 0x7f is then checked byte by byte, so
// tabs and bytes >= 0x80 (which the word test also flags) cost only that recheck.
bool HasControlChar(std::string_view value) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, value.data() + i, 8);
    const std::uint64_t del = word ^ (0x7f * kOnes);
    const std::uint64_t suspect = ((word - 0x20 * kOnes) | (del - kOnes)) & kHighs;
    if (suspect == 0) continue;
    for (std::size_t j = i; j < i + 8; ++j) {
      if (IsControlChar(static_cast<unsigned char>(value[j]))) return true;
    }
  }
  for (; i < value.size(); ++i) {
    if (IsControlChar(static_cast<unsigned char>(value[i]))) return true;
  }
  return false;
}

// memchr runs the C library's vector code; a plain loop is not vectorized at -O2.
bool HasSpaceOrTab(std::string_view value) {
  return std::memchr(value.data(), ' ', value.size()) != nullptr ||
         std::memchr(value.data(), '\t', value.size()) != nullptr;
}

Status HeaderError(std::size_t index, std::string_view field, std::string message) {
  return InvalidArgument(std::move(message),
                         "headers[" + std::to_string(index) + "]." + std::string(field));
}

Status CheckHeader(const HttpHeader& header, std::size_t index) {
  if (header.name.empty()) return HeaderError(index, "name", "header name is empty");
  for (char c : header.name) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) {
      return HeaderError(index, "name",
                         "header name holds a byte that is not a printable ASCII token "
                         "character (RFC 7230 tchar)");
    }
  }
  if (HasControlChar(header.value)) {
    return HeaderError(index, "value",
                       "value of header \"" + header.name +
                           "\" holds a control character (CR, LF, NUL, ...); unfold folded "
                           "lines before signing");
  }
  return Ok();
}

// Stable, and without the allocation of std::stable_sort for the usual handful of headers.
void SortByName(std::span<HeaderView> views) {
  auto less = [](const HeaderView& a, const HeaderView& b) { return LessIgnoreCase(a.name, b.name); };
  if (views.size() > 32) {
    std::stable_sort(views.begin(), views.end(), less);
    return;
  }
  for (std::size_t i = 1; i < views.size(); ++i) {
    for (std::size_t j = i; j > 0 && less(views[j], views[j - 1]); --j) std::swap(views[j], views[j - 1]);
  }
}

// Checks the request's headers and fills `views` with the signed ones and `extra`, sorted.
// REQUIRES: views was made with room for headers.size() + extra.size().
Status SortedHeaders(std::span<const HttpHeader> headers, std::span<const HttpHeader> extra,
                     HeaderViews& views) {
  bool has_host = false;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    GOVD_TRY(CheckHeader(headers[i], i));
    if (IsUnsignedHeader(headers[i].name)) continue;
    has_host = has_host || SameHeaderName(headers[i].name, "host");
    views.Add({headers[i].name, headers[i].value});
  }
  if (!has_host) return InvalidArgument("the request has no host header; SigV4 signs it", "headers");
  for (const auto& header : extra) views.Add({header.name, header.value});
  SortByName(views.All());
  return Ok();
}

void AppendLowerCase(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  out.resize(start + s.size());
  char* dest = out.data() + start;
  for (std::size_t i = 0; i < s.size(); ++i) dest[i] = ToLower(s[i]);
}

// Trims the value and collapses each inner run of spaces and tabs into one space. Copies the
// runs between spaces whole: values such as session tokens are long and have none.
void AppendTrimmedValue(std::string& out, std::string_view value) {
  if (!HasSpaceOrTab(value)) {
    out.append(value);
    return;
  }
  bool started = false;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsSpace(value[i])) ++i;
    std::size_t end = i;
    while (end < value.size() && !IsSpace(value[end])) ++end;
    if (end == i) break;
    if (started) out.push_back(' ');
    started = true;
    out.append(value.data() + i, end - i);
    i = end;
  }
}

// Appends the "name:value\n" lines to `lines` and the ';'-joined names to `signed_names`.
void AppendHeaderGroups(std::string& lines, std::string& signed_names,
                        std::span<const HeaderView> views) {
  for (std::size_t i = 0; i < views.size();) {
    if (i != 0) signed_names.push_back(';');
    const std::size_t name_start = signed_names.size();
    AppendLowerCase(signed_names, views[i].name);
    lines.append(signed_names, name_start).push_back(':');  // the name, lower-cased once
    AppendTrimmedValue(lines, views[i].value);
    std::size_t j = i + 1;
    for (; j < views.size() && SameHeaderName(views[j].name, views[i].name); ++j) {
      lines.push_back(',');
      AppendTrimmedValue(lines, views[j].value);
    }
    lines.push_back('\n');
    i = j;
  }
}

std::size_t HeaderBytes(std::span<const HttpHeader> headers) {
  std::size_t n = 0;
  for (const auto& h : headers) n += 2 * h.name.size() + h.value.size() + 3;
  return n;
}

// An upper bound of the signed header list's length ("host;x-amz-date").
std::size_t NameBytes(std::span<const HttpHeader> headers) {
  std::size_t n = 0;
  for (const auto& h : headers) n += h.name.size() + 1;
  return n;
}

std::size_t QueryBytes(std::span<const QueryParam> query) {
  std::size_t n = 0;
  for (const auto& q : query) n += 3 * (q.name.size() + q.value.size()) + 2;
  return n;
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

std::vector<QueryParam> DecodeQueryString(std::string_view query) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      params.push_back({PercentDecode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1))});
    }
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return params;
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
  HeaderViews views(headers.size() + extra.size());
  GOVD_TRY(SortedHeaders(headers, extra, views));
  CanonicalHeaders result;
  result.lines.reserve(HeaderBytes(headers) + HeaderBytes(extra));
  result.signed_names.reserve(NameBytes(headers) + NameBytes(extra));
  AppendHeaderGroups(result.lines, result.signed_names, views.All());
  return result;
}

Result<CanonicalRequest> BuildCanonicalRequest(const CanonicalRequestInput& input) {
  const SignableRequest& request = input.request;
  GOVD_TRY(CheckRequestLine(request));
  HeaderViews views(input.headers == nullptr ? request.headers.size() + input.extra_headers.size() : 0);
  if (input.headers == nullptr) GOVD_TRY(SortedHeaders(request.headers, input.extra_headers, views));
  CanonicalRequest result;
  std::string& text = result.text;
  text.reserve(request.method.size() + 3 * request.path.size() + QueryBytes(request.query) +
               QueryBytes(input.extra_query) + HeaderBytes(request.headers) +
               HeaderBytes(input.extra_headers) + input.payload_hash.size() + 16);
  text.append(request.method).append(1, '\n');
  AppendCanonicalUri(text, request.path, input.params);
  text.push_back('\n');
  AppendCanonicalQuery(text, request.query, input.extra_query);
  text.push_back('\n');
  if (input.headers != nullptr) {
    text.append(input.headers->lines);
    result.signed_names = input.headers->signed_names;
  } else {
    result.signed_names.reserve(NameBytes(request.headers) + NameBytes(input.extra_headers));
    AppendHeaderGroups(text, result.signed_names, views.All());
  }
  text.append(1, '\n').append(result.signed_names).append(1, '\n').append(input.payload_hash);
  return result;
}

}  // namespace govd::signer
