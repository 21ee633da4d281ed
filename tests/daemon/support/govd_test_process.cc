#include "tests/daemon/support/govd_test_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <json/reader.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/accounts/store/test_db.h"

extern char** environ;

namespace govd::daemon::testing {

TempDir::TempDir() {
  std::string pattern = "/tmp/govd-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  chmod(path_.c_str(), 0755);  // children running as other uids must reach the socket
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& text, unsigned mode) {
  std::ofstream(path, std::ios::trunc) << text;
  chmod(path.c_str(), mode);
}

// A child-mode govd is never ready without its database at this build's schema: with the "pg"
// fixture, a migrated database of this test process on the test server; without it (tests that
// only read the configuration), a placeholder.
std::string DatabaseConninfo() {
  static const std::string conninfo = [] {
    std::string server = accounts::testing::ServerConninfo();
    if (server.empty()) return std::string("host=/nonexistent dbname=govd");
    static const accounts::testing::TestDb db(server);
    return db.conninfo();
  }();
  return conninfo;
}

std::string MinimalConfig(const TempDir& dir, const std::string& extra) {
  return ConfigWithDatabase(dir, DatabaseConninfo(), "111122223333", extra);
}

std::string ConfigWithDatabase(const TempDir& dir, const std::string& conninfo, const std::string& account,
                               const std::string& extra) {
  return "mode = child\naccount-id = " + account + "\nregion = eu-west-2\n[database]\nconninfo = " + conninfo +
         "\n[control]\nsocket = " + dir.File("govd.sock") + "\n" + extra;
}

ProgramRun RunProgram(const std::string& binary, const std::vector<std::string>& args, std::optional<uid_t> uid,
                      const std::vector<std::string>& env) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (uid && (setgroups(0, nullptr) != 0 || setgid(*uid) != 0 || setuid(*uid) != 0)) _exit(99);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    unsetenv("GOVD_SOCKET");
    for (const std::string& entry : env) putenv(const_cast<char*>(entry.c_str()));
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProgramRun run;
  run.out = ReadAll(out_pipe[0], std::chrono::milliseconds(30'000));
  run.err = ReadAll(err_pipe[0], std::chrono::milliseconds(1000));
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string GovctlBinary() {
  std::string govd = std::getenv("GOVD_BINARY");
  return govd.substr(0, govd.rfind('/') + 1) + "govctl";
}

GovdProcess::GovdProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                         const std::string& stderr_path) {
  const char* binary = std::getenv("GOVD_BINARY");
  if (binary == nullptr) throw std::runtime_error("GOVD_BINARY is not set");
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "NOTIFY_SOCKET=", 14) != 0 && std::strncmp(*entry, "JOURNAL_STREAM=", 15) != 0) {
      environment.emplace_back(*entry);
    }
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> argv{const_cast<char*>(binary)};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test must not leave govd holding CTest's pipe
    if (!stderr_path.empty()) {
      int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd < 0 || dup2(fd, 2) < 0) _exit(126);
    }
    execve(binary, argv.data(), envp.data());
    _exit(127);
  }
}

GovdProcess::~GovdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void GovdProcess::Signal(int signal) const { kill(pid_, signal); }

std::optional<int> GovdProcess::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

int ConnectUnix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool LetEveryUidConnect(const std::string& socket) { return chmod(socket.c_str(), 0666) == 0; }

bool WaitForSocket(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ConnectUnix(path);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string ReadAll(int fd, std::chrono::milliseconds timeout) {
  std::string data;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

std::string RawExchange(const std::string& socket, const std::string& request) {
  int fd = ConnectUnix(socket);
  if (fd < 0) return {};
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the daemon may close early (limits); its answer is still readable
    sent += static_cast<std::size_t>(n);
  }
  std::string answer = ReadAll(fd, std::chrono::seconds(5));
  close(fd);
  return answer;
}

std::string TcpExchange(const std::string& ip, int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string answer = ReadAll(fd, std::chrono::seconds(5));
  close(fd);
  return answer;
}

Json::Value StatusJson(const std::string& socket) {
  std::string answer = RawExchange(socket, "GET /v1/status HTTP/1.1\r\nConnection: close\r\n\r\n");
  auto head_end = answer.find("\r\n\r\n");
  if (head_end == std::string::npos) return Json::Value();
  std::string body = answer.substr(head_end + 4);
  Json::Value value;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(body.data(), body.data() + body.size(), &value, &errors)) return Json::Value();
  return value;
}

// govctl is built beside govd ($GOVD_BINARY).
GovctlRun RunGovctl(const std::vector<std::string>& args, std::optional<uid_t> uid,
                    const std::vector<std::string>& env) {
  return RunProgram(GovctlBinary(), args, uid, env);
}

int StatusOf(const std::string& answer) {
  if (answer.size() < 12 || answer.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(answer.substr(9, 3).c_str());
}

}  // namespace govd::daemon::testing
