#include "signer/canonical_request.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
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

// The bytes a wire path must not hold: control characters, '?' and '#'.
constexpr std::array<bool, 256> kBadInPath = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c == 0x7f || c == '?' || c == '#';
  return table;
}();

constexpr char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

constexpr bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool LessIgnoreCase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<unsigned char>(ToLower(x)) < static_cast<unsigned char>(ToLower(y));
      });
}

// ---- where the canonical request goes ----

// Appends the canonical request to a string (BuildCanonicalRequest, the trace, the tests).
class TextSink {
 public:
  explicit TextSink(std::string& out) : out_(out) {}
  void Put(std::string_view bytes) { out_.append(bytes); }
  void Put(char c) { out_.push_back(c); }

 private:
  std::string& out_;
};

// Hashes the canonical request as it is built (HashCanonicalRequest): short pieces are gathered
// in a small buffer so that SHA-256 sees few updates; long ones (a session token) go to it
// directly, never copied. Wipes the buffer, which may hold parts of header values.
class HashSink {
 public:
  HashSink() = default;
  HashSink(const HashSink&) = delete;
  HashSink& operator=(const HashSink&) = delete;
  ~HashSink() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }

  void Put(std::string_view bytes) {
    if (bytes.size() > buffer_.size() - used_) {
      Flush();
      if (bytes.size() >= buffer_.size()) return sha_.Update(bytes);
    }
    std::memcpy(buffer_.data() + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  void Put(char c) { Put(std::string_view(&c, 1)); }
  Sha256Digest Finish() {
    Flush();
    return sha_.Finish();
  }

 private:
  void Flush() {
    sha_.Update({buffer_.data(), used_});
    used_ = 0;
  }

  Sha256Stream sha_;
  std::array<char, 256> buffer_{};
  std::size_t used_ = 0;
};

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

template <class Sink>
void AppendCanonicalQuery(Sink& out, std::span<const QueryParam> query, std::span<const QueryParam> extra) {
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
    if (i != 0) out.Put('&');
    out.Put(name(params[i]));
    out.Put('=');
    out.Put(value(params[i]));
  }
}

// The pairs of an encoded query ("b=2&a=1", every pair with its '='), sorted as the canonical
// query sorts them: by name, then value. Encoded names hold no '=' (it is %3D).
template <class Sink>
void AppendSortedEncodedQuery(Sink& out, std::string_view encoded_query) {
  std::vector<std::string_view> pairs;
  for (std::size_t start = 0; start < encoded_query.size();) {
    std::size_t end = encoded_query.find('&', start);
    if (end == std::string_view::npos) end = encoded_query.size();
    pairs.push_back(encoded_query.substr(start, end - start));
    start = end + 1;
  }
  auto split = [](std::string_view pair) {
    const std::size_t eq = pair.find('=');
    return std::pair(pair.substr(0, eq), eq == std::string_view::npos ? "" : pair.substr(eq + 1));
  };
  std::sort(pairs.begin(), pairs.end(),
            [&](std::string_view a, std::string_view b) { return split(a) < split(b); });
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i != 0) out.Put('&');
    out.Put(pairs[i]);
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
  std::array<HeaderView, kInline> inline_;  // only the first size_ are set
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
template <class Sink>
void AppendTrimmedValue(Sink& out, std::string_view value) {
  if (!HasSpaceOrTab(value)) return out.Put(value);
  bool started = false;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsSpace(value[i])) ++i;
    std::size_t end = i;
    while (end < value.size() && !IsSpace(value[end])) ++end;
    if (end == i) break;
    if (started) out.Put(' ');
    started = true;
    out.Put(value.substr(i, end - i));
    i = end;
  }
}

// Puts the "name:value\n" lines into `lines` and appends the ';'-joined names to `signed_names`.
template <class Sink>
void AppendHeaderGroups(Sink& lines, std::string& signed_names, std::span<const HeaderView> views) {
  for (std::size_t i = 0; i < views.size();) {
    if (i != 0) signed_names.push_back(';');
    const std::size_t name_start = signed_names.size();
    AppendLowerCase(signed_names, views[i].name);
    lines.Put(std::string_view(signed_names).substr(name_start));  // the name, lower-cased once
    lines.Put(':');
    AppendTrimmedValue(lines, views[i].value);
    std::size_t j = i + 1;
    for (; j < views.size() && SameHeaderName(views[j].name, views[i].name); ++j) {
      lines.Put(',');
      AppendTrimmedValue(lines, views[j].value);
    }
    lines.Put('\n');
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
  if (std::any_of(request.path.begin(), request.path.end(),
                  [](char c) { return kBadInPath[static_cast<unsigned char>(c)]; })) {
    return InvalidArgument("path holds a control character, '?' or '#' (encode it)", "path");
  }
  return Ok();
}

template <class Sink>
void AppendCanonicalUri(Sink& out, std::string_view path, const SigningParams& params) {
  if (path.empty()) path = "/";
  if (!params.normalize_path && !params.double_uri_encode) return out.Put(path);
  const std::string normalized = params.normalize_path ? NormalizePath(path) : std::string(path);
  if (!params.double_uri_encode) return out.Put(normalized);
  std::string encoded;
  AppendUriEncoded(encoded, normalized, true);
  out.Put(encoded);
}

// Puts the canonical request into `out` and its signed header list into `signed_names`.
template <class Sink>
Status WriteCanonicalRequest(const CanonicalRequestInput& input, Sink& out, std::string& signed_names) {
  const SignableRequest& request = input.request;
  GOVD_TRY(CheckRequestLine(request));
  HeaderViews views(input.headers == nullptr ? request.headers.size() + input.extra_headers.size() : 0);
  if (input.headers == nullptr) GOVD_TRY(SortedHeaders(request.headers, input.extra_headers, views));
  out.Put(request.method);
  out.Put('\n');
  AppendCanonicalUri(out, request.path, input.params);
  out.Put('\n');
  if (input.encoded_query != nullptr) {
    AppendSortedEncodedQuery(out, *input.encoded_query);
  } else {
    AppendCanonicalQuery(out, request.query, input.extra_query);
  }
  out.Put('\n');
  if (input.headers != nullptr) {
    out.Put(input.headers->lines);
    signed_names = input.headers->signed_names;
  } else {
    signed_names.reserve(NameBytes(request.headers) + NameBytes(input.extra_headers));
    AppendHeaderGroups(out, signed_names, views.All());
  }
  out.Put('\n');
  out.Put(signed_names);
  out.Put('\n');
  out.Put(input.payload_hash);
  return Ok();
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
  TextSink sink(out);
  AppendCanonicalUri(sink, path, params);
  return out;
}

std::string CanonicalQuery(std::span<const QueryParam> query, std::span<const QueryParam> extra) {
  std::string out;
  TextSink sink(out);
  AppendCanonicalQuery(sink, query, extra);
  return out;
}

std::string CanonicalQueryOfEncoded(std::string_view encoded_query) {
  std::string out;
  TextSink sink(out);
  AppendSortedEncodedQuery(sink, encoded_query);
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
  TextSink sink(result.lines);
  AppendHeaderGroups(sink, result.signed_names, views.All());
  return result;
}

Result<CanonicalRequest> BuildCanonicalRequest(const CanonicalRequestInput& input) {
  const SignableRequest& request = input.request;
  CanonicalRequest result;
  result.text.reserve(request.method.size() + 3 * request.path.size() + QueryBytes(request.query) +
                      QueryBytes(input.extra_query) + HeaderBytes(request.headers) +
                      HeaderBytes(input.extra_headers) + input.payload_hash.size() + 16);
  TextSink sink(result.text);
  GOVD_TRY(WriteCanonicalRequest(input, sink, result.signed_names));
  return result;
}

Result<CanonicalRequestHash> HashCanonicalRequest(const CanonicalRequestInput& input) {
  CanonicalRequestHash result;
  HashSink sink;
  GOVD_TRY(WriteCanonicalRequest(input, sink, result.signed_names));
  result.digest = sink.Finish();
  return result;
}

}  // namespace govd::signer
