// Static files for the web client: safe resolution of a URL path under the web root, content
// types and caching. Paths with "..", ".", backslashes or NUL are refused before the file system
// is touched, and a symlink that leads outside the root is treated as missing. "/" and unknown
// extension-less paths serve index.html so the single-page app can route them itself.
// Thread-safety: free functions over the file system; safe to call concurrently.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "api/http.h"
#include "core/error.h"

namespace ektp::api {

// Files larger than this are not served (the web bundle is far smaller).
inline constexpr std::size_t static_file_bytes_max = 32 << 20;

struct StaticFile {
  std::filesystem::path path;  // canonical, inside the canonical web root
  std::string content_type;
  std::string cache_control;
};

// "text/html; charset=utf-8" for .html, … ; "application/octet-stream" when unknown.
std::string_view content_type_for(const std::filesystem::path& file);

// Resolves a percent-decoded URL path ("/", "/app.js", "/persons/123") under `web_root`.
// invalid_argument for a path that tries to leave the root ("..", absolute, NUL, backslash);
// not_found when there is no such file (or it is a symlink out of the root, or the root and
// its index.html are missing).
Result<StaticFile> resolve_static_file(const std::filesystem::path& web_root,
                                       std::string_view url_path);

// resolve_static_file, then reads the file into a 200 response with Content-Type and
// Cache-Control. resource_exhausted ("too large") past static_file_bytes_max; unavailable when
// the file cannot be read.
Result<HttpResponse> serve_static_file(const std::filesystem::path& web_root,
                                       std::string_view url_path);

}  // namespace ektp::api
