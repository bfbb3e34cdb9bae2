// How central sends an agency's webhook (agency/webhook_delivery.h): one HTTPS POST of the
// CloudEvent (`Content-Type: application/cloudevents+json`) with the Standard Webhooks headers
// webhook-id, webhook-timestamp and webhook-signature, through the HTTPS client the stations use
// (api/http_client.h): the receiver's certificate checked against the system's CAs (or a CA file),
// one request on its own connection, no redirect followed (a 3xx is the answer, and a failed
// attempt), the whole exchange within a timeout, the answer's body read up to 64 KiB and dropped.
// In production no address but a public one is connected to (agency/webhook_url.h), checked on
// what the host resolves to at send time, not only when the subscription was made.
// Thread-safe: the sender keeps no state between calls.
#pragma once

#include <chrono>

#include "agency/webhook_delivery.h"
#include "api/tls_trust.h"

namespace ektp::api {

struct WebhookSenderOptions {
  std::chrono::milliseconds timeout = agency::kWebhookAttemptTimeout;
  TlsTrust trust;                        // empty: the system's CAs and the host name
  bool allow_private_addresses = false;  // development and tests only
};

agency::WebhookSender https_webhook_sender(WebhookSenderOptions options = {});

}  // namespace ektp::api
