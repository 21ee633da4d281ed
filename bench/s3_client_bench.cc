// GetBucketPolicy against a running scripts/rgw-test-server: requests per second and client CPU
// per request, with connection reuse (the handle pool keeps the TCP connection alive) and
// without (a new connection for every request).
//
//   scripts/rgw-test-server start /tmp/govd-bench-rgw
//   GOVD_RGW_ENV=/tmp/govd-bench-rgw/env build/bench/s3_client_bench
//   scripts/rgw-test-server stop /tmp/govd-bench-rgw
//
// "items_per_second" is requests/s (wall clock, UseRealTime); "CPU" per iteration is this
// process's CPU for one request (signing, HTTP, parsing: curl runs on the calling thread).
#include <benchmark/benchmark.h>

#include <optional>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "tests/accounts/rgw_env.h"

namespace govd::accounts {
namespace {

constexpr char kPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"govd-get","Effect":"Allow",)"
    R"("Principal":{"AWS":["arn:aws:iam::111111111111:user/central"]},"Action":"s3:GetObject",)"
    R"("Resource":"arn:aws:s3:::govd-bench/reports/*"}]})";

void BM_GetBucketPolicy(benchmark::State& state, bool reuse) {
  auto env = testing::LoadRgwEnv();
  if (!env || !env->contains("RGW_ENDPOINT")) {
    state.SkipWithError("set GOVD_RGW_ENV to the env file of a running scripts/rgw-test-server");
    return;
  }
  CurlTransportOptions options;
  options.reuse_connections = reuse;
  CurlTransport transport(options);
  SystemClock time;
  SeededRandom random(1);
  RetryStrategy retry({.max_attempts = 1}, random);
  StaticCredentialsProvider la1(
      {signer::Credentials((*env)["RGW_LA1_ACCESS_KEY"], (*env)["RGW_LA1_SECRET_KEY"]), std::nullopt});
  auto endpoint = ParseEndpointUrl((*env)["RGW_ENDPOINT"], "s3", "us-east-1");
  if (!endpoint) return state.SkipWithError(endpoint.error().ToString().c_str());
  S3Client s3(*endpoint, {transport, retry, time, &la1}, S3ClientOptions{.path_style = true});
  S3BucketRef bucket{"govd-bench", std::nullopt};
  (void)s3.CreateBucket(bucket);  // already there on a second run: fine
  if (auto put = s3.PutBucketPolicy(bucket, kPolicy); !put) return state.SkipWithError(put.error().ToString().c_str());
  for (auto _ : state) {
    auto policy = s3.GetBucketPolicy(bucket);
    if (!policy) return state.SkipWithError(policy.error().ToString().c_str());
    benchmark::DoNotOptimize(policy->size());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_GetBucketPolicy, connection_reuse, true)->UseRealTime()->MinTime(3.0);
BENCHMARK_CAPTURE(BM_GetBucketPolicy, new_connection_each, false)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace govd::accounts
