// Runs every case of the AWS SigV4 test suite (aws-c-auth's aws-signing-test-suite/v4) in both
// modes, header signing and query signing, and compares each stage byte for byte: canonical
// request, string to sign, signature and the signed request.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "signer/canonical_request.h"
#include "signer/crypto.h"
#include "signer/signature.h"
#include "tests/signer/conformance.h"

namespace govd::signer {
namespace {

using testing::ParseJson;
using testing::ReadFile;
using testing::SigV4Dir;

enum class Mode { kHeader, kQuery };

struct SuiteCase {
  std::string name;  // folder name, e.g. "get-vanilla"; empty when the suite is absent
  Mode mode;
};

// gtest prints parameters in test lists; a readable one keeps ctest's output short.
void PrintTo(const SuiteCase& c, std::ostream* os) {
  *os << c.name << (c.mode == Mode::kHeader ? " header" : " query");
}

std::vector<SuiteCase> ListCases() {
  std::vector<SuiteCase> cases;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(SigV4Dir() / "v4", ec)) {
    if (!entry.is_directory()) continue;
    cases.push_back({entry.path().filename().string(), Mode::kHeader});
    cases.push_back({entry.path().filename().string(), Mode::kQuery});
  }
  std::sort(cases.begin(), cases.end(), [](const SuiteCase& a, const SuiteCase& b) {
    return a.name != b.name ? a.name < b.name : a.mode < b.mode;
  });
  if (cases.empty()) cases.push_back({"", Mode::kHeader});  // one test that skips
  return cases;
}

std::string TestName(const ::testing::TestParamInfo<SuiteCase>& info) {
  if (info.param.name.empty()) return "suite_absent";
  std::string name = info.param.name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name + (info.param.mode == Mode::kHeader ? "_header" : "_query");
}

// request.txt: "METHOD TARGET HTTP/1.1", header lines (a line starting with whitespace continues
// the previous value), an empty line, the body.
struct ParsedRequest {
  std::string request_line;
  std::string target;
  std::string header_block;  // the header lines as written, each ending in '\n'
  std::string body;
  SignableRequest request;
};

void ParseHeaderLine(std::string_view line, ParsedRequest& parsed) {
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    parsed.request.headers.back().value.append(" ").append(line);  // unfold
    return;
  }
  const std::size_t colon = line.find(':');
  parsed.request.headers.push_back({std::string(line.substr(0, colon)),
                                    std::string(line.substr(colon + 1))});
}

ParsedRequest ParseRequest(const std::string& text) {
  ParsedRequest parsed;
  std::size_t pos = text.find('\n');
  parsed.request_line = text.substr(0, pos);
  const std::size_t space = parsed.request_line.find(' ');
  parsed.request.method = parsed.request_line.substr(0, space);
  parsed.target = parsed.request_line.substr(space + 1, parsed.request_line.rfind(' ') - space - 1);
  const std::size_t qmark = parsed.target.find('?');
  parsed.request.path = parsed.target.substr(0, qmark);
  if (qmark != std::string::npos) parsed.request.query = DecodeQueryString(parsed.target.substr(qmark + 1));
  for (++pos; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) break;
    parsed.header_block.append(line).append("\n");
    ParseHeaderLine(line, parsed);
  }
  parsed.body = pos < text.size() ? text.substr(pos) : "";
  return parsed;
}

// "2015-08-30T12:36:00Z" -> "20150830T123600Z"
std::string AmzDate(std::string iso) {
  iso.erase(std::remove_if(iso.begin(), iso.end(), [](char c) { return c == '-' || c == ':'; }),
            iso.end());
  return iso;
}

class SigV4SuiteTest : public ::testing::TestWithParam<SuiteCase> {
 protected:
  void SetUp() override {
    if (GetParam().name.empty()) GTEST_SKIP() << "no SigV4 suite in " << SigV4Dir();
    dir_ = SigV4Dir() / "v4" / GetParam().name;
    const auto request_text = ReadFile(dir_ / "request.txt");
    const auto context_text = ReadFile(dir_ / "context.json");
    ASSERT_TRUE(request_text && context_text) << dir_;
    parsed_ = ParseRequest(*request_text);
    parsed_.request.body = parsed_.body;
    context_ = ParseJson(*context_text);
    ASSERT_TRUE(context_.isObject()) << dir_ / "context.json";
  }

  SigningParams Params(Mode mode) const {
    SigningParams params = ServiceSigningParams(context_["service"].asString(),
                                                context_["region"].asString(),
                                                AmzDate(context_["timestamp"].asString()));
    params.normalize_path = context_["normalize"].asBool();
    params.double_uri_encode = true;  // as aws-c-auth's harness sets it for every case
    params.omit_session_token = context_.get("omit_session_token", false).asBool();
    if (context_["sign_body"].asBool()) {
      params.add_content_sha256_header = mode == Mode::kHeader;
    } else {
      params.payload = PayloadMode::kPrecomputed;
      params.payload_hash = Sha256Hex("");
    }
    return params;
  }

  Credentials Creds() const {
    const Json::Value& c = context_["credentials"];
    return {c["access_key_id"].asString(), c["secret_access_key"].asString(),
            c.get("token", "").asString()};
  }

  std::string Expected(std::string_view file) const {
    auto text = ReadFile(dir_ / (std::string(GetParam().mode == Mode::kHeader ? "header-" : "query-") +
                                 std::string(file)));
    EXPECT_TRUE(text.has_value()) << "missing " << file << " in " << dir_;
    return text.value_or("");
  }

  std::filesystem::path dir_;
  ParsedRequest parsed_;
  Json::Value context_;
};

TEST_P(SigV4SuiteTest, MatchesEveryStage) {
  const Mode mode = GetParam().mode;
  SigningTrace trace;
  SigningKeyCache cache;
  std::string signature;
  std::string signed_request;
  if (mode == Mode::kHeader) {
    auto result = SignHeaders(parsed_.request, Params(mode), Creds(), &cache, &trace);
    ASSERT_TRUE(result) << result.error().ToString();
    signature = result->signature;
    signed_request = parsed_.request_line + "\n" + parsed_.header_block;
    for (const auto& h : result->headers_to_add) signed_request += h.name + ":" + h.value + "\n";
  } else {
    const auto expires = context_["expiration_in_seconds"].asInt64();
    auto result = Presign(parsed_.request, Params(mode), Creds(), expires, &cache, &trace);
    ASSERT_TRUE(result) << result.error().ToString();
    signature = result->signature;
    std::string target = parsed_.target;
    for (const auto& p : result->params_to_add) {
      target += (target.find('?') == std::string::npos ? "?" : "&") + UriEncode(p.name) + "=" +
                UriEncode(p.value);
    }
    signed_request = parsed_.request.method + " " + target + " HTTP/1.1\n" + parsed_.header_block;
  }
  signed_request += "\n" + parsed_.body;
  EXPECT_EQ(trace.canonical_request, Expected("canonical-request.txt"));
  EXPECT_EQ(trace.string_to_sign, Expected("string-to-sign.txt"));
  EXPECT_EQ(signature, Expected("signature.txt"));
  EXPECT_EQ(signed_request, Expected("signed-request.txt"));
}

INSTANTIATE_TEST_SUITE_P(V4, SigV4SuiteTest, ::testing::ValuesIn(ListCases()), TestName);

}  // namespace
}  // namespace govd::signer
