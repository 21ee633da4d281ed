// accounts/aws/aws_call_observer.h
// A hook told about every attempt of an AWS call (retries included): service, operation,
// outcome and latency, so that the daemon can count calls for its metrics while the clients
// stay free of any metrics code.
// Implementations must be thread safe (calls run on several threads) and must not block.
// The outcome never carries request data: "ok", AWS's error code, or "transport_error"
// (no spaces: a Prometheus label value by convention).
#pragma once

#include <chrono>
#include <string_view>

namespace govd::accounts {

struct AwsCallAttempt {
  std::string_view service;    // "s3"
  std::string_view operation;  // "GetBucketPolicy"
  std::string_view outcome;    // "ok", "AccessDenied", "SlowDown", "transport_error"
  std::chrono::nanoseconds latency{0};
};

class AwsCallObserver {
 public:
  virtual ~AwsCallObserver() = default;
  virtual void OnAwsCall(const AwsCallAttempt& attempt) = 0;
};

}  // namespace govd::accounts
