// tests/daemon/govd_test_process.h
// Test helpers around a real govd process: a temporary directory (traversable by other uids),
// a config file written there, starting govd with extra environment variables, waiting for its
// socket, signalling it and reaping it with a deadline; running govctl as a process (as another
// uid when root); and a raw unix-socket client for sending bytes the real client never would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace govd::daemon::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text, unsigned mode = 0600);

// The whole content of a file; "" when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A config for account 111122223333 in child mode with the control socket in `dir`; `extra` is
// appended (INI lines, may open sections).
std::string MinimalConfig(const TempDir& dir, const std::string& extra = "");

class GovdProcess {
 public:
  // Starts $GOVD_BINARY with `args`, `env` added to the environment (NAME=VALUE); its stderr
  // (the log when not under systemd) goes to `stderr_path` when given.
  GovdProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
              const std::string& stderr_path = "");
  ~GovdProcess();  // SIGKILLs a process still running
  GovdProcess(const GovdProcess&) = delete;
  GovdProcess& operator=(const GovdProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal) const;
  // The exit status (as from waitpid) if the process ended within `timeout`.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
};

// Waits until a unix socket at `path` accepts connections.
bool WaitForSocket(const std::string& path, std::chrono::milliseconds timeout);

// Connects to a unix socket; -1 on failure.
int ConnectUnix(const std::string& path);

// Reads until EOF or `timeout`; returns what arrived.
std::string ReadAll(int fd, std::chrono::milliseconds timeout);

// Sends `request` on a fresh connection and returns the whole answer (connection: close).
std::string RawExchange(const std::string& socket, const std::string& request);

struct GovctlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs govctl (built beside $GOVD_BINARY) with `args`, as `uid` (and gid = uid) when given: the
// test must then be root; `env` (NAME=VALUE) is added to its environment.
GovctlRun RunGovctl(const std::vector<std::string>& args, std::optional<uid_t> uid = std::nullopt,
                    const std::vector<std::string>& env = {});

// The status code of a raw HTTP answer ("HTTP/1.1 413 ..." -> 413), 0 when there is none.
int StatusOf(const std::string& answer);

}  // namespace govd::daemon::testing
