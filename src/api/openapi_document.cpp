// The description embedded with the assembler's .incbin, as the region tables are
// (core/region_data.cpp); EKTP_OPENAPI_JSON_PATH is set by CMake, which rebuilds this file when
// docs/openapi.json changes.
#include "api/openapi_document.h"

__asm__(".section .rodata\n"
        ".global ektp_openapi_json_begin\n"
        ".balign 16\n"
        "ektp_openapi_json_begin:\n"
        ".incbin \"" EKTP_OPENAPI_JSON_PATH "\"\n"
        ".global ektp_openapi_json_end\n"
        "ektp_openapi_json_end:\n"
        ".byte 0\n"
        ".previous\n");
extern "C" const char ektp_openapi_json_begin[];
extern "C" const char ektp_openapi_json_end[];

namespace ektp::api {

std::string_view openapi_json() { return {ektp_openapi_json_begin, ektp_openapi_json_end}; }

HttpResponse openapi_response() {
  HttpResponse response;
  response.content_type = "application/json";
  response.body = std::string(openapi_json());
  // It changes only with the binary; five minutes lets a new deploy show soon.
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  return response;
}

}  // namespace ektp::api
