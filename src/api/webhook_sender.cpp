// The HTTPS sender of agencies' webhooks (api/webhook_sender.h).
#include "api/webhook_sender.h"

#include <fmt/format.h>

#include "agency/cloud_event.h"
#include "agency/webhook_url.h"
#include "api/http_client.h"

namespace ektp::api {
namespace {

constexpr std::size_t kAnswerBytesMax = 64 * 1024;

}  // namespace

agency::WebhookSender https_webhook_sender(WebhookSenderOptions options) {
  return [options](const agency::WebhookMessage& message) -> Result<int> {
    EKTP_ASSIGN_OR_RETURN(const auto url, agency::parse_webhook_url(message.url));
    ClientRequest request;
    request.method = "POST";
    request.target = url.target;
    request.body = message.body;
    request.content_type = std::string(agency::kCloudEventContentType);
    request.deadline = true;
    request.headers = {{"webhook-id", message.webhook_id},
                       {"webhook-timestamp", std::to_string(message.timestamp_s)},
                       {"webhook-signature", message.signature},
                       {"User-Agent", "ektp-webhooks/1"}};
    if (!options.allow_private_addresses) request.address_allowed = agency::is_public_address;
    EKTP_ASSIGN_OR_RETURN(const auto answer,
                          http_exchange(url.origin(), request, options.timeout, kAnswerBytesMax, options.trust));
    return answer.status;
  };
}

}  // namespace ektp::api
