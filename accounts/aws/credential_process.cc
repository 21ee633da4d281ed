#include "accounts/aws/credential_process.h"

#include <fcntl.h>
#include <json/json.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/iso8601.h"
#include "base/json_text.h"
#include "signer/credentials.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace govd::accounts {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string Program(const std::vector<std::string>& words) { return "'" + words.front() + "'"; }

std::string Text(const Json::Value& doc, const char* field) {
  const Json::Value& value = doc[field];
  return value.isString() ? value.asString() : std::string();
}

// Waits for `pid` until `deadline`, then kills it. Returns the wait status, or nullopt when it
// had to be killed.
std::optional<int> Reap(pid_t pid, SteadyClock::time_point deadline) {
  int status = 0;
  while (SteadyClock::now() < deadline) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return status;
    usleep(10'000);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::nullopt;
}

enum class ReadOutcome { kDone, kTooLarge, kTimedOut };

// Reads `fd` to end of file into `out`, at most `max` bytes, until `deadline`.
ReadOutcome ReadBounded(int fd, std::string& out, std::size_t max, SteadyClock::time_point deadline) {
  std::array<char, 4096> buffer{};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) return ReadOutcome::kTimedOut;
    pollfd watch{fd, POLLIN, 0};
    int ready = poll(&watch, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready == 0 ? ReadOutcome::kTimedOut : ReadOutcome::kDone;
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ReadOutcome::kDone;
    out.append(buffer.data(), static_cast<std::size_t>(n));
    if (out.size() > max) return ReadOutcome::kTooLarge;
  }
}

// Spawns `words` with stdout on `out_fd`, stdin/stderr on /dev/null, no other descriptor of
// ours (sockets, the database connection) and default signal handling.
Result<pid_t> Spawn(const std::vector<std::string>& words, int out_fd, std::string_view where) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));  // NOLINT: POSIX signature
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Unavailable("credential_process: cannot run " + Program(words) + ": " + std::strerror(rc),
                       std::string(where));
  }
  return pid;
}

}  // namespace

Result<std::vector<std::string>> SplitCommandWords(std::string_view command, std::string_view where) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
    } else if (c == '\'') {
      std::size_t end = command.find('\'', i + 1);
      if (end == std::string_view::npos)
        return InvalidArgument("credential_process has an unterminated '", std::string(where));
      word += command.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i; i < command.size() && command[i] != '"'; ++i) {
        if (command[i] == '\\' && i + 1 < command.size() &&
            std::string_view("\"\\$`").find(command[i + 1]) != std::string_view::npos)
          ++i;
        word += command[i];
      }
      if (i >= command.size())
        return InvalidArgument("credential_process has an unterminated \"", std::string(where));
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return InvalidArgument("credential_process is empty", std::string(where));
  return words;
}

Result<AwsCredentials> ParseCredentialProcessOutput(std::string_view json, std::string_view where) {
  const std::string place(where);
  Result<Json::Value> parsed = ParseJsonText(json, "credential_process output");
  if (!parsed || !parsed->isObject()) {
    return InvalidArgument("credential_process did not print a JSON object", place);
  }
  const Json::Value& doc = *parsed;
  if (!doc["Version"].isIntegral() || doc["Version"].asInt64() != 1) {
    return InvalidArgument("credential_process printed no \"Version\": 1 (the only version there is)", place);
  }
  std::string key = Text(doc, "AccessKeyId");
  std::string secret = Text(doc, "SecretAccessKey");
  if (key.empty() || secret.empty()) {
    return InvalidArgument("credential_process output lacks AccessKeyId or SecretAccessKey", place);
  }
  AwsCredentials credentials{signer::Credentials(key, secret, Text(doc, "SessionToken")), std::nullopt};
  if (std::string expiration = Text(doc, "Expiration"); !expiration.empty()) {
    auto when = ParseIso8601(expiration, "Expiration");
    if (!when) return when.error().WithContext("credential_process output (" + place + ")");
    credentials.expiration = *when;
  }
  return credentials;
}

Result<AwsCredentials> RunCredentialProcess(std::string_view command, std::string_view where,
                                            const CredentialProcessLimits& limits) {
  GOVD_ASSIGN_OR_RETURN(std::vector<std::string> words, SplitCommandWords(command, where));
  std::array<int, 2> pipe_fds{-1, -1};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    return Unavailable(std::string("credential_process: cannot create a pipe: ") + std::strerror(errno),
                       std::string(where));
  }
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  const auto deadline = SteadyClock::now() + limits.timeout;
  GOVD_ASSIGN_OR_RETURN(pid_t pid, Spawn(words, write_end.get(), where));
  write_end.Reset();
  std::string output;
  ReadOutcome outcome = ReadBounded(read_end.get(), output, limits.max_output, deadline);
  if (outcome != ReadOutcome::kDone) kill(pid, SIGKILL);
  std::optional<int> status = Reap(pid, deadline);
  const std::string what = "credential_process " + Program(words);
  if (outcome != ReadOutcome::kDone || !status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    signer::WipeString(output);
  }
  if (outcome == ReadOutcome::kTooLarge) {
    return Error(ErrorCode::kResourceExhausted,
                 what + " printed more than " + std::to_string(limits.max_output) + " bytes",
                 std::string(where));
  }
  if (outcome == ReadOutcome::kTimedOut || !status) {
    return Error(
        ErrorCode::kDeadlineExceeded,
        what + " did not finish within " + std::to_string(limits.timeout.count()) + " ms and was killed",
        std::string(where));
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    std::string how = WIFEXITED(*status) ? "exited with status " + std::to_string(WEXITSTATUS(*status))
                                         : "was killed by signal " + std::to_string(WTERMSIG(*status));
    return Unavailable(what + " " + how + " (its standard error is not shown: it may hold secrets)",
                       std::string(where));
  }
  auto credentials = ParseCredentialProcessOutput(output, where);
  signer::WipeString(output);  // it holds a secret key and maybe a session token
  return credentials;
}

}  // namespace govd::accounts
