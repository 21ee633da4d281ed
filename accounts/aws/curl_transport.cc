#include "accounts/aws/curl_transport.h"

#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <string_view>
#include <utility>

#include "signer/credentials.h"

namespace govd::accounts {
namespace {

// "https://host:443/path?q" -> "https://host:443": connections can be reused per endpoint.
std::string EndpointOf(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  return url.substr(0, url.find('/', scheme_end + 3));
}

// "https://host/path?query" -> "https://host/path": what error messages may show.
std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// What the callbacks of one transfer write to.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const CurlTransportOptions* options = nullptr;
  HttpResponse response;
  std::unique_ptr<std::FILE, FileCloser> file;
  bool too_large = false;
  bool file_failed = false;
};

bool IsSuccessStatus(CURL* curl) {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

bool WriteToFile(Transfer& t, const char* data, std::size_t size) {
  if (!t.file) t.file.reset(std::fopen(t.request->body_file->c_str(), "wb"));
  if (!t.file) return t.file_failed = true, false;
  if (t.response.body_file_bytes + size > t.options->max_file_bytes) return t.too_large = true, false;
  if (std::fwrite(data, 1, size, t.file.get()) != size) return t.file_failed = true, false;
  t.response.body_file_bytes += size;
  return true;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t.request->body_file && IsSuccessStatus(t.curl)) return WriteToFile(t, data, n) ? n : 0;
  if (t.response.body.size() + n > t.options->max_response_bytes) return t.too_large = true, 0;
  signer::AppendWiping(t.response.body, std::string_view(data, n));  // an STS answer holds secrets
  return n;
}

std::string Trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return std::string(s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1));
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) t.response.headers.clear();  // a new response (after 100)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t.response.headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return size * count;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist BuildHeaderList(const HttpHeaders& headers) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    std::string line;
    line.reserve(name.size() + 2 + value.size());
    line.append(name);
    if (value.empty()) {
      line += ';';  // curl's way of sending a header with an empty value
    } else {
      line.append(": ").append(value);
    }
    list = curl_slist_append(list, line.c_str());
    signer::WipeString(line);  // X-Amz-Security-Token's line holds the session token
  }
  // libcurl would otherwise add these; neither is signed and Expect costs a round trip.
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  return Slist(list);
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST" || !request.body.empty()) {
    // Always send the body (even empty) so that Content-Length is set.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method != "GET" && request.method != "HEAD") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void SetConnectionOptions(CURL* curl, const CurlTransportOptions& options) {
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.read_timeout.count()));
  if (!options.reuse_connections) {
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  }
}

Error TransferError(const Transfer& t, CURLcode code) {
  std::string what = t.request->method + " " + WithoutQuery(t.request->url) + ": ";
  if (t.too_large) {
    return {ErrorCode::kResourceExhausted, what + "response larger than the configured limit"};
  }
  if (t.file_failed) {
    return Internal(what + "cannot write the body to " + *t.request->body_file);
  }
  std::string detail = std::string(curl_easy_strerror(code)) + " (curl " + std::to_string(code) + ")";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return {ErrorCode::kDeadlineExceeded, what + detail};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(what + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return FailedPrecondition(what + "TLS verification failed: " + detail);
    default:  // refused, reset, no answer, DNS: the network may recover
      return Unavailable(what + detail);
  }
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference counted by libcurl
}

CurlTransport::~CurlTransport() {
  for (auto& [endpoint, handles] : idle_) {
    for (void* handle : handles) curl_easy_cleanup(static_cast<CURL*>(handle));
  }
  curl_global_cleanup();
}

void* CurlTransport::Acquire(const std::string& endpoint) {
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(endpoint);
    if (it != idle_.end() && !it->second.empty()) {
      void* handle = it->second.back();
      it->second.pop_back();
      curl_easy_reset(static_cast<CURL*>(handle));  // keeps the live connection
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlTransport::Release(const std::string& endpoint, void* handle) {
  if (options_.reuse_connections) {
    std::lock_guard lock(mutex_);
    auto& handles = idle_[endpoint];
    if (handles.size() < options_.max_idle_per_endpoint) {
      handles.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  std::string endpoint = EndpointOf(request.url);
  CURL* curl = static_cast<CURL*>(Acquire(endpoint));
  if (curl == nullptr) return Internal("curl_easy_init failed");
  Transfer t;
  t.curl = curl;
  t.request = &request;
  t.options = &options_;
  Slist headers = BuildHeaderList(request.headers);
  SetConnectionOptions(curl, options_);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  SetMethodAndBody(curl, request);
  if (request.timeout) {
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout->count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout->count()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.response.status);
  t.file.reset();
  // A failed transfer may leave the connection in an unknown state: do not pool the handle.
  if (code != CURLE_OK) {
    curl_easy_cleanup(curl);
    return TransferError(t, code);
  }
  Release(endpoint, curl);
  return std::move(t.response);
}

}  // namespace govd::accounts
