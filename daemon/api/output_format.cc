#include "daemon/api/output_format.h"

#include <string>

namespace govd::daemon {

Result<bool> ParseOutputFormat(std::string_view format) {
  if (format == "json") return true;
  if (format == "text") return false;
  return InvalidArgument("--output: unknown format \"" + std::string(format) + "\"; choose text or json", "--output");
}

}  // namespace govd::daemon
