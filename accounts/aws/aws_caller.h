// accounts/aws/aws_caller.h
// Runs one AWS API operation against one service endpoint: resolves credentials, signs the
// request with SigV4 (govd::signer) at the Clock's date, sends it through the HttpTransport,
// and retries transient failures per the RetryStrategy (sleeping through the Clock); each try
// carries the SDKs' `amz-sdk-request: attempt=N; max=M` header. A non-2xx
// answer becomes an AwsError with the parsed AWS code, message and request id.
// Thread safety: Call() may run concurrently; the transport, provider, strategy and time source
// must be thread safe (they are shared). Call() blocks for the request and any retry delays.
// Never logs; credentials appear only in the signed headers handed to the transport.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accounts/aws/aws_call_observer.h"
#include "accounts/aws/aws_endpoint.h"
#include "accounts/aws/aws_error.h"
#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/http_transport.h"
#include "accounts/aws/retry_strategy.h"
#include "base/clock.h"
#include "signer/signable_request.h"
#include "signer/signing_key.h"

namespace govd::accounts {

struct AwsRequest {
  std::string operation;  // for errors: "GetBucketPolicy"
  std::string method;
  std::string path = "/";                  // wire form (already percent-encoded)
  std::vector<signer::QueryParam> query;   // decoded; encoded when the URL is built
  HttpHeaders headers;                     // besides host and the signature headers
  std::string body;
  std::optional<std::string> body_file;    // see HttpRequest::body_file
  std::string host_prefix;                 // "bucket." for virtual-hosted S3 addressing
};

// What an AwsCaller needs; all referenced objects must outlive it.
struct AwsCallerDeps {
  HttpTransport& transport;
  RetryStrategy& retry;
  const Clock& time;
  // nullptr sends unsigned requests (STS AssumeRoleWithWebIdentity needs no credentials).
  CredentialsProvider* credentials = nullptr;
  // nullptr: nobody counts the calls. Told about every attempt, retries included.
  AwsCallObserver* observer = nullptr;
};

class AwsCaller {
 public:
  AwsCaller(AwsEndpoint endpoint, AwsCallerDeps deps) : endpoint_(std::move(endpoint)), deps_(deps) {}

  AwsResult<HttpResponse> Call(const AwsRequest& request);

  const AwsEndpoint& endpoint() const { return endpoint_; }

 private:
  Result<HttpRequest> BuildSigned(const AwsRequest& request, int attempt);
  AwsResult<HttpResponse> CallOnce(const AwsRequest& request, int attempt, bool& retryable, bool& timed_out);

  AwsEndpoint endpoint_;
  AwsCallerDeps deps_;
  signer::SigningKeyCache key_cache_;
};

// "20261124T120000Z" for the SigV4 date.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

}  // namespace govd::accounts
