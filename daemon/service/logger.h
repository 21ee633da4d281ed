// daemon/service/logger.h
// govd's log: one line per event with structured fields (GRANT_ID, TENANT, BUCKET, ...). Under
// systemd (JOURNAL_STREAM set) entries go to journald with their fields as journal fields and a
// syslog PRIORITY; otherwise to stderr as "LEVEL message KEY=value ...".
// Thread safety: Log() and set_level() may be called from any thread.
// Never log credentials or session tokens: callers pass ids and names only.
#pragma once

#include <atomic>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/service/config.h"

namespace govd::daemon {

struct LogField {
  std::string_view name;  // upper case journal field name: "GRANT_ID", "TENANT", "BUCKET"
  std::string value;
};

class Logger {
 public:
  virtual ~Logger() = default;
  void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields = {});
  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }

 protected:
  virtual void Write(LogLevel level, std::string_view message, const std::vector<LogField>& fields) = 0;

 private:
  std::atomic<LogLevel> level_{LogLevel::kInfo};
};
using LoggerPtr = std::unique_ptr<Logger>;

// Writes "LEVEL message KEY=value" lines to the given stream (stderr in govd).
class StreamLogger : public Logger {
 public:
  explicit StreamLogger(std::ostream& out) : out_(out) {}

 protected:
  void Write(LogLevel level, std::string_view message, const std::vector<LogField>& fields) override;

 private:
  std::ostream& out_;
};

// Sends entries to journald (sd_journal_sendv) with MESSAGE, PRIORITY and the fields.
class JournalLogger : public Logger {
 protected:
  void Write(LogLevel level, std::string_view message, const std::vector<LogField>& fields) override;
};

// syslog priority for a level: debug 7, info 6, notice 5, warning 4, error 3.
int SyslogPriority(LogLevel level);

// The journal when JOURNAL_STREAM says stderr is connected to it, else stderr.
// `journal_stream` is the value of $JOURNAL_STREAM (nullptr when unset).
LoggerPtr MakeLogger(const char* journal_stream);

}  // namespace govd::daemon
