// tests/daemon/support/govd_test_process.h
// Test helpers around a real govd process: a temporary directory (traversable by other uids),
// a config file written there, starting govd with extra environment variables, waiting for its
// socket, signalling it and reaping it with a deadline; running govctl as a process (as another
// uid when root); a raw unix-socket client for sending bytes the real client never would, and a
// raw TCP client (for the metrics listener).
#pragma once

#include <json/value.h>
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

// The database MinimalConfig names: with the "pg" fixture, a migrated database of this test
// process (the same one on every call); without it, a placeholder that never answers.
std::string DatabaseConninfo();

// A config for account 111122223333 in child mode with the control socket in `dir`; `extra` is
// appended (INI lines, may open sections).
std::string MinimalConfig(const TempDir& dir, const std::string& extra = "");
// The same with the database `conninfo` (a test's own TestDb) and account `account`.
std::string ConfigWithDatabase(const TempDir& dir, const std::string& conninfo, const std::string& account,
                               const std::string& extra = "");

struct ProgramRun {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// Runs `binary` with `args` to its end, capturing stdout and stderr; as `uid` (gid = uid, no
// supplementary groups) when given, which needs root; `env` (NAME=VALUE) is added to its
// environment, and GOVD_SOCKET removed from it.
ProgramRun RunProgram(const std::string& binary, const std::vector<std::string>& args,
                      std::optional<uid_t> uid = std::nullopt, const std::vector<std::string>& env = {});

// govctl, built beside $GOVD_BINARY.
std::string GovctlBinary();

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

// Widens a control socket govd bound itself (0660, its own group) to 0666, for tests whose other
// uids (RunGovctl(uid): gid = uid, no supplementary groups) exercise per-request authorization
// rather than the file mode, which ControlSocketTest checks. Returns false when chmod fails.
bool LetEveryUidConnect(const std::string& socket);

// Connects to a unix socket; -1 on failure.
int ConnectUnix(const std::string& path);

// Reads until EOF or `timeout`; returns what arrived.
std::string ReadAll(int fd, std::chrono::milliseconds timeout);

// Sends `request` on a fresh connection and returns the whole answer (connection: close).
std::string RawExchange(const std::string& socket, const std::string& request);

// One HTTP exchange over TCP with `ip`:`port`; the whole answer, "" when it cannot connect or send.
std::string TcpExchange(const std::string& ip, int port, const std::string& request);

// The parsed body of GET /v1/status on the control socket at `socket` (null when unreadable).
Json::Value StatusJson(const std::string& socket);

using GovctlRun = ProgramRun;

// RunProgram(GovctlBinary(), ...).
GovctlRun RunGovctl(const std::vector<std::string>& args, std::optional<uid_t> uid = std::nullopt,
                    const std::vector<std::string>& env = {});

// The status code of a raw HTTP answer ("HTTP/1.1 413 ..." -> 413), 0 when there is none.
int StatusOf(const std::string& answer);

}  // namespace govd::daemon::testing
