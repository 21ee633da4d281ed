// tests/accounts/aws/local_aws_deps.h
// What a client needs to talk to a LocalHttpServer in a unit test: a real curl transport, a fake
// clock (retry sleeps are recorded, not slept), jitter at its maximum, and fixed credentials.
#pragma once

#include <optional>

#include "accounts/aws/aws_caller.h"
#include "accounts/aws/curl_transport.h"
#include "tests/base/fake_clock.h"

namespace govd::accounts::testing {

struct LocalAwsDeps {
  AwsCallerDeps Deps() { return {transport, retry, time, &credentials}; }

  CurlTransport transport;
  govd::testing::FakeClock time{std::chrono::system_clock::now()};
  govd::testing::FixedRandom random{1.0};  // every jittered delay is its ceiling
  RetryStrategy retry{RetryOptions{}, random};
  StaticCredentialsProvider credentials{{signer::Credentials("AKIDCENTRAL", "secret"), std::nullopt}};
};

}  // namespace govd::accounts::testing
