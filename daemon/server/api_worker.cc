#include "daemon/server/api_worker.h"

#include <boost/asio/post.hpp>
#include <exception>
#include <memory>

namespace govd::daemon {

AsyncApiHandler OnWorker(boost::asio::thread_pool& worker, boost::asio::io_context& loop, ApiHandler handler) {
  auto shared = std::make_shared<ApiHandler>(std::move(handler));
  return [&worker, &loop, shared](const ApiRequest& request, ApiReply reply) {
    boost::asio::post(worker, [&loop, shared, request, reply = std::move(reply)]() mutable {
      Result<ApiResponse> response = Internal("handler did not run");
      try {
        response = (*shared)(request);
      } catch (const std::exception& e) {  // the worker's edge: report, never end the thread
        response = Internal(std::string("handler failed: ") + e.what());
      }
      auto answer = std::make_shared<ApiResponse>(response ? *std::move(response) : ErrorResponse(response.error()));
      boost::asio::post(loop, [reply = std::move(reply), answer] { reply(*answer); });
    });
  };
}

}  // namespace govd::daemon
