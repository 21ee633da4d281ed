// Unit tests of the signer's stages and its refusals: bad input gives an InvalidArgument Error
// naming the field, never a crash; the cache is bounded and shared safely between threads.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "signer/canonical_request.h"
#include "signer/signature.h"

namespace govd::signer {
namespace {

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

SignableRequest StsRequest() {
  SignableRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Host", "sts.us-east-1.amazonaws.com"}};
  return request;
}

Credentials Creds() { return {"AKIDEXAMPLE", std::string(kSecret)}; }

SigningParams StsParams() { return ServiceSigningParams("sts", "us-east-1", "20261124T120000Z"); }

void ExpectInvalid(const Status& status, std::string_view where) {
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().where(), where) << status.error().ToString();
  EXPECT_EQ(status.error().ToString().find(kSecret), std::string::npos);
}

template <typename T>
Status AsStatus(const Result<T>& result) {
  if (result) return Ok();
  return result.error();
}

TEST(UriEncodeTest, KeepsUnreservedEncodesTheRestUpperCase) {
  EXPECT_EQ(UriEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(UriEncode("a b/c+d=e&\xe1\x88\xb4"), "a%20b%2Fc%2Bd%3De%26%E1%88%B4");
  EXPECT_EQ(UriEncodePath("/a b/c%"), "/a%20b/c%25");
}

TEST(UriEncodeTest, EncodesInputsMadeOnlyOfEscapes) {
  const std::string bytes(100, '\xff');
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "%FF";
  EXPECT_EQ(UriEncode(bytes), expected);
  std::string out = "x";
  AppendUriEncoded(out, "/ /", true);
  EXPECT_EQ(out, "x/%20/");
}

TEST(NormalizePathTest, RemovesDotAndEmptySegments) {
  EXPECT_EQ(NormalizePath("//a/./b/../c/"), "/a/c/");
  EXPECT_EQ(NormalizePath("/a/.."), "/");
  EXPECT_EQ(NormalizePath("/../.."), "/");
  EXPECT_EQ(NormalizePath("/a/b/.."), "/a");
  EXPECT_EQ(NormalizePath(""), "/");
}

TEST(CanonicalUriTest, S3SignsThePathAsSent) {
  SigningParams s3 = S3SigningParams("us-east-1", "20261124T120000Z");
  EXPECT_EQ(CanonicalUri("//a/../b%20c", s3), "//a/../b%20c");
  EXPECT_EQ(CanonicalUri("//a/../b%20c", StsParams()), "/b%2520c");
  EXPECT_EQ(CanonicalUri("", s3), "/");
}

TEST(CanonicalQueryTest, SortsEncodedNamesThenValuesKeepsDuplicatesAndEmptyValues) {
  const std::vector<QueryParam> query = {{"b", "2"}, {"a", "z"}, {"a", "y"}, {"c", ""}, {"a b", "/"}};
  EXPECT_EQ(CanonicalQuery(query), "a=y&a=z&a%20b=%2F&b=2&c=");
}

TEST(CanonicalQueryTest, OfEncodedQueryEqualsEncodingTheParameters) {
  const std::vector<QueryParam> query = {{"b", "2"},   {"a", "z"}, {"a", "y"},    {"c", ""},
                                         {"a b", "/"}, {"", "v"},  {"x=y", "1&2"}};
  std::string wire;
  for (const auto& param : query) {
    if (!wire.empty()) wire.push_back('&');
    wire += UriEncode(param.name) + "=" + UriEncode(param.value);
  }
  EXPECT_EQ(CanonicalQueryOfEncoded(wire), CanonicalQuery(query));
  EXPECT_EQ(CanonicalQueryOfEncoded(""), "");
}

// HashCanonicalRequest hashes as it builds; it must hash exactly BuildCanonicalRequest's bytes,
// also when a value is longer than its buffer, has spaces to collapse or a name repeats.
TEST(HashCanonicalRequestTest, HashesExactlyTheBuiltText) {
  SignableRequest request = StsRequest();
  request.path = "/a/./b c/";
  request.query = {{"b", "2"}, {"a", "1 2"}};
  request.headers.push_back({"X-Long", std::string(1000, 't')});
  request.headers.push_back({"x-spaced", "  a   b\t c "});
  request.headers.push_back({"X-Spaced", "d"});
  request.headers.push_back({"X-Mid", std::string(200, 'm')});
  const std::vector<HttpHeader> extra = {{"X-Amz-Date", "20261124T120000Z"},
                                         {"X-Amz-Security-Token", std::string(300, 's')}};
  for (const SigningParams& params : {StsParams(), S3SigningParams("us-east-1", "20261124T120000Z")}) {
    const CanonicalRequestInput input{request, params, extra, {}, kUnsignedPayload};
    auto text = BuildCanonicalRequest(input);
    auto hash = HashCanonicalRequest(input);
    ASSERT_TRUE(text && hash);
    EXPECT_EQ(HexEncode(hash->digest), Sha256Hex(text->text));
    EXPECT_EQ(hash->signed_names, text->signed_names);
    EXPECT_EQ(hash->signed_names, "host;x-amz-date;x-amz-security-token;x-long;x-mid;x-spaced");
  }
  request.headers.erase(request.headers.begin());  // no host: both refuse alike
  const CanonicalRequestInput input{request, StsParams(), extra, {}, kUnsignedPayload};
  ExpectInvalid(AsStatus(HashCanonicalRequest(input)), "headers");
  ExpectInvalid(AsStatus(BuildCanonicalRequest(input)), "headers");
}

TEST(CanonicalHeadersTest, LowerCasesTrimsCollapsesAndJoinsRepeatedNames) {
  const std::vector<HttpHeader> headers = {{"Host", "h"},
                                           {"X-B", "  two   spaced\t\twords  "},
                                           {"x-a", "1"},
                                           {"X-A", " 2 "},
                                           {"User-Agent", "not signed"}};
  auto canonical = BuildCanonicalHeaders(headers);
  ASSERT_TRUE(canonical) << canonical.error().ToString();
  EXPECT_EQ(canonical->lines, "host:h\nx-a:1,2\nx-b:two spaced words\n");
  EXPECT_EQ(canonical->signed_names, "host;x-a;x-b");
}

TEST(SignHeadersTest, RejectsHeaderValueWithNewline) {
  SignableRequest request = StsRequest();
  request.headers.push_back({"X-Note", "line1\r\nX-Injected: 1"});
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "headers[1].value");
}

// The value check reads eight bytes at a time: every byte value, at every offset of a value
// longer than a word, must be judged as a byte-by-byte check would (tab and bytes >= 0x80 pass).
TEST(SignHeadersTest, RefusesEveryControlCharacterAtEveryOffset) {
  for (int byte = 0; byte < 256; ++byte) {
    const bool control = (byte < 0x20 && byte != '\t') || byte == 0x7f;
    for (std::size_t offset = 0; offset < 19; ++offset) {
      std::string value(19, 'v');
      value[offset] = static_cast<char>(byte);
      const std::vector<HttpHeader> headers = {{"host", "h"}, {"x-v", value}};
      auto canonical = BuildCanonicalHeaders(headers);
      EXPECT_EQ(!canonical, control) << "byte " << byte << " at " << offset;
      if (control) ExpectInvalid(AsStatus(canonical), "headers[1].value");
    }
  }
}

TEST(SignHeadersTest, RejectsNonAsciiHeaderName) {
  SignableRequest request = StsRequest();
  request.headers.push_back({"X-Caf\xc3\xa9", "v"});
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "headers[1].name");
}

TEST(SignHeadersTest, RejectsDatesThatAreNotIso8601Basic) {
  for (const char* date : {"2026-11-24T12:00:00Z", "20261124T120000", "20261324T120000Z",
                           "20260230T120000Z", "20261124T246000Z", "", "20261124t120000z"}) {
    SigningParams params = StsParams();
    params.amz_date = date;
    ExpectInvalid(AsStatus(SignHeaders(StsRequest(), params, Creds())), "amz_date");
  }
}

TEST(SignHeadersTest, RejectsEmptyRegionAndService) {
  SigningParams params = StsParams();
  params.region.clear();
  ExpectInvalid(AsStatus(SignHeaders(StsRequest(), params, Creds())), "region");
  params = StsParams();
  params.service.clear();
  ExpectInvalid(AsStatus(SignHeaders(StsRequest(), params, Creds())), "service");
}

TEST(SignHeadersTest, RejectsMissingHostAndHeadersTheSignerAdds) {
  SignableRequest request = StsRequest();
  request.headers.clear();
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "headers");
  request = StsRequest();
  request.headers.push_back({"X-Amz-Date", "20261124T120000Z"});
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "headers");
}

TEST(SignHeadersTest, RejectsBadMethodPathAndEmptyCredentials) {
  SignableRequest request = StsRequest();
  request.method = "GE T";
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "method");
  request = StsRequest();
  request.path = "no-slash";
  ExpectInvalid(AsStatus(SignHeaders(request, StsParams(), Creds())), "path");
  ExpectInvalid(AsStatus(SignHeaders(StsRequest(), StsParams(), Credentials("", std::string(kSecret)))),
                "access_key_id");
}

TEST(PresignTest, BoundsExpires) {
  for (std::int64_t expires : {std::int64_t{0}, std::int64_t{-5}, std::int64_t{604801}}) {
    ExpectInvalid(AsStatus(Presign(StsRequest(), StsParams(), Creds(), expires)), "X-Amz-Expires");
  }
  EXPECT_TRUE(Presign(StsRequest(), StsParams(), Creds(), 1));
  EXPECT_TRUE(Presign(StsRequest(), StsParams(), Creds(), 604800));
}

TEST(PresignTest, UrlCarriesEncodedOwnQueryThenAuthParameters) {
  SignableRequest request = StsRequest();
  request.query = {{"Action", "GetCallerIdentity"}, {"a b", "c/d"}};
  auto presigned = Presign(request, StsParams(), Creds(), 60);
  ASSERT_TRUE(presigned);
  EXPECT_TRUE(presigned->Url().starts_with(
      "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&a%20b=c%2Fd&X-Amz-Algorithm="));
  EXPECT_EQ(presigned->params_to_add.back().name, "X-Amz-Signature");
}

// The URL carries the token once, encoded once; it is signed unless omit_session_token. The
// signature is the same with and without a trace (the trace builds the text, the rest hash).
TEST(PresignTest, SessionTokenEncodedOnceSignedUnlessOmitted) {
  const Credentials creds("AKIDEXAMPLE", std::string(kSecret), "tok/en+=");
  for (bool omit : {false, true}) {
    SigningParams params = StsParams();
    params.omit_session_token = omit;
    SigningTrace trace;
    auto traced = Presign(StsRequest(), params, creds, 60, nullptr, &trace);
    auto plain = Presign(StsRequest(), params, creds, 60);
    ASSERT_TRUE(traced && plain);
    EXPECT_EQ(traced->signature, plain->signature);
    EXPECT_EQ(traced->path_and_query, plain->path_and_query);
    const std::string token_param = "X-Amz-Security-Token=tok%2Fen%2B%3D";
    const std::string& url = plain->path_and_query;
    EXPECT_NE(url.find(token_param), std::string::npos) << url;
    EXPECT_EQ(url.find(token_param), url.rfind(token_param)) << url;
    EXPECT_TRUE(url.ends_with("&X-Amz-Signature=" + plain->signature)) << url;
    EXPECT_EQ(trace.canonical_request.find(token_param) != std::string::npos, !omit)
        << trace.canonical_request;
  }
}

TEST(SigningKeyCacheTest, SameKeyAsDerivationAndBoundedSize) {
  SigningKeyCache cache(2);
  const Credentials creds = Creds();
  const SigningKey derived = SigningKey::Derive(kSecret, "20150830", "us-east-1", "iam");
  // The AWS documentation's example signing key for these inputs.
  EXPECT_EQ(HexEncode(derived.bytes()),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(cache.Get(creds, "20150830", "us-east-1", "iam")->bytes(), derived.bytes());
  EXPECT_EQ(cache.Get(creds, "20150830", "us-east-1", "iam")->bytes(), derived.bytes());
  EXPECT_EQ(cache.size(), 1U);
  (void)cache.Get(creds, "20150831", "us-east-1", "iam");
  (void)cache.Get(creds, "20150832", "us-east-1", "iam");
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_NE(cache.Get(Credentials("AKID", "other"), "20150830", "us-east-1", "iam")->bytes(),
            derived.bytes());
}

TEST(SigningKeyCacheTest, ThreadsShareOneCacheAndAgree) {
  SigningKeyCache cache(4);
  const Credentials creds = Creds();
  auto expected = SignHeaders(StsRequest(), StsParams(), creds);
  ASSERT_TRUE(expected);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        SigningParams params = StsParams();
        params.region = i % 3 == 0 ? "us-east-1" : (i % 3 == 1 ? "eu-west-1" : "ap-south-1");
        auto result = SignHeaders(StsRequest(), params, creds, &cache);
        if (!result || (i % 3 == 0 && result->signature != expected->signature)) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(CredentialsTest, MovedFromCredentialsHoldNoSecret) {
  Credentials a("AKID", std::string(kSecret), "token");
  Credentials b(std::move(a));
  EXPECT_EQ(b.secret_access_key(), kSecret);
  EXPECT_EQ(b.session_token(), "token");
  EXPECT_TRUE(a.secret_access_key().empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_FALSE(a.has_session_token());         // NOLINT(bugprone-use-after-move)
}

TEST(CredentialsTest, CopiesAreIndependentAndOverwritingReplacesTheSecret) {
  Credentials a("AKID", std::string(kSecret), "token");
  Credentials copy(a);
  Credentials other("AKID2", "other-secret");
  other = a;
  a = Credentials("AKID3", "third-secret");
  EXPECT_EQ(a.secret_access_key(), "third-secret");
  EXPECT_FALSE(a.has_session_token());
  EXPECT_EQ(a.secret_id(), Sha256("third-secret"));
  for (const Credentials* kept : {&copy, &other}) {
    EXPECT_EQ(kept->access_key_id(), "AKID");
    EXPECT_EQ(kept->secret_access_key(), kSecret);
    EXPECT_EQ(kept->session_token(), "token");
    EXPECT_EQ(kept->secret_id(), Sha256(kSecret));
  }
}

}  // namespace
}  // namespace govd::signer
