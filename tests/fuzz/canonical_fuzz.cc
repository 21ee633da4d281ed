// libFuzzer target for the canonical URI and query encoders: any bytes must neither crash nor
// break the encoders' invariants (output is ASCII from the unreserved set, '/', or %XX with
// upper-case hex; decoding the query string gives back the parameters; normalizing twice
// changes nothing).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "signer/canonical_request.h"

namespace {

using govd::signer::QueryParam;

bool IsCanonicalEncoding(std::string_view encoded, bool allow_slash) {
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (allow_slash && c == '/')) continue;
    if (c != '%' || i + 2 >= encoded.size()) return false;
    for (char h : encoded.substr(i + 1, 2)) {
      if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'))) return false;
    }
    i += 2;
  }
  return true;
}

// Splits the input into parameters: '\n' separates pairs, the first '\t' name from value.
std::vector<QueryParam> SplitParams(std::string_view data) {
  std::vector<QueryParam> params;
  while (!data.empty() && params.size() < 64) {
    const std::size_t nl = data.find('\n');
    const std::string_view line = data.substr(0, nl);
    const std::size_t tab = line.find('\t');
    params.push_back({std::string(line.substr(0, tab)),
                      tab == std::string_view::npos ? "" : std::string(line.substr(tab + 1))});
    data = nl == std::string_view::npos ? "" : data.substr(nl + 1);
  }
  return params;
}

void CheckPath(std::string_view data) {
  govd::signer::SigningParams params;  // generic service: normalize and double-encode
  const std::string uri = govd::signer::CanonicalUri(data, params);
  if (!IsCanonicalEncoding(uri, true)) std::abort();
  const std::string normalized = govd::signer::NormalizePath(data);
  if (govd::signer::NormalizePath(normalized) != normalized) std::abort();
}

void CheckQuery(std::string_view data) {
  const std::vector<QueryParam> params = SplitParams(data);
  const std::string query = govd::signer::CanonicalQuery(params);
  std::string_view rest = query;
  while (!rest.empty()) {
    const std::string_view pair = rest.substr(0, rest.find('&'));
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) std::abort();  // every pair has its '='
    if (!IsCanonicalEncoding(pair.substr(0, eq), false) || !IsCanonicalEncoding(pair.substr(eq + 1), false)) {
      std::abort();
    }
    rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
  }
  // Decoding the canonical query and encoding it again gives the same bytes.
  const std::vector<QueryParam> round_trip = govd::signer::DecodeQueryString(query);
  if (round_trip.size() != params.size()) std::abort();
  if (govd::signer::CanonicalQuery(round_trip) != query) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckPath(input);
  CheckQuery(input);
  return 0;
}
