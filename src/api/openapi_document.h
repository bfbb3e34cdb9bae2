// docs/openapi.json, the OpenAPI 3 description of every /api/v1 route, compiled into the binary
// so that the server answers it whatever its working directory. It names no person and no key:
// it is served to anyone. Thread-safe: the text is constant.
#pragma once

#include <string_view>

#include "api/http.h"

namespace ektp::api {

// The document byte for byte as docs/openapi.json was when the binary was built.
std::string_view openapi_json();

// GET /api/v1/openapi.json: the document, public, cacheable for a few minutes.
HttpResponse openapi_response();

}  // namespace ektp::api
