// accounts/aws/credential_process.h
// A profile's `credential_process`: the AWS CLI runs the command (split like a POSIX shell
// splits words, then run without a shell) and reads its standard output as a Version 1 JSON
// document {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}.
// Splitting and parsing are pure; RunCredentialProcess spawns the child with stdin and stderr on
// /dev/null, no other descriptor of the caller and default signal handling, reads at most
// `max_output` bytes and kills it when it outlives `timeout`.
// Thread safe (no shared state). Never logs; errors name the profile and the program, never the
// command's arguments, its output or its standard error (any of which may hold a secret). The
// output buffer is wiped once parsed (jsoncpp's own copies while parsing are not).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/aws/credentials_provider.h"

namespace govd::accounts {

struct CredentialProcessLimits {
  std::chrono::milliseconds timeout{60'000};
  std::size_t max_output = std::size_t{64} * 1024U;
};

// Words of `command` with POSIX quoting: '...' literal, "..." with \" \\ \$ \` escapes, a
// backslash outside quotes escapes the next character. No expansion of any kind.
// kInvalidArgument naming `where` for an unterminated quote or an empty command.
Result<std::vector<std::string>> SplitCommandWords(std::string_view command, std::string_view where);

// The Version 1 document. kInvalidArgument naming `where` when it is not one.
Result<AwsCredentials> ParseCredentialProcessOutput(std::string_view json, std::string_view where);

// Runs `command` and parses what it prints. `where` names the source in errors ("profile ops").
Result<AwsCredentials> RunCredentialProcess(std::string_view command, std::string_view where,
                                            const CredentialProcessLimits& limits = {});

}  // namespace govd::accounts
