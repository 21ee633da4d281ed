#include "daemon/service/logger.h"

#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <iostream>

namespace govd::daemon {

int SyslogPriority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return 7;
    case LogLevel::kInfo: return 6;
    case LogLevel::kNotice: return 5;
    case LogLevel::kWarning: return 4;
    case LogLevel::kError: return 3;
  }
  return 6;
}

void Logger::Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  if (level < level_) return;
  Write(level, message, fields);
}

void StreamLogger::Write(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  std::string line(LogLevelName(level));
  line += ' ';
  line += message;
  for (const LogField& field : fields) {
    line += ' ';
    line += field.name;
    line += '=';
    line += field.value;
  }
  line += '\n';
  out_ << line << std::flush;  // one insertion per entry keeps lines whole
}

void JournalLogger::Write(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  std::vector<std::string> entries;
  entries.reserve(fields.size() + 3);
  entries.push_back("MESSAGE=" + std::string(message));
  entries.push_back("PRIORITY=" + std::to_string(SyslogPriority(level)));
  entries.emplace_back("SYSLOG_IDENTIFIER=govd");
  for (const LogField& field : fields) entries.push_back(std::string(field.name) + "=" + field.value);
  std::vector<iovec> iov;
  iov.reserve(entries.size());
  for (std::string& entry : entries) iov.push_back(iovec{entry.data(), entry.size()});
  if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
    std::cerr << LogLevelName(level) << ' ' << message << '\n';  // the journal is gone: keep the line
  }
}

LoggerPtr MakeLogger(const char* journal_stream) {
  if (journal_stream != nullptr && *journal_stream != '\0') return std::make_unique<JournalLogger>();
  return std::make_unique<StreamLogger>(std::cerr);
}

}  // namespace govd::daemon
