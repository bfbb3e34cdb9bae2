#include "api/static_files.h"

#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace ektp::api {
namespace {

namespace fs = std::filesystem;

// True when `path` (canonical) is `root` (canonical) or below it.
bool is_inside(const fs::path& root, const fs::path& path) {
  const fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// Refuses paths that could leave the root, before any file-system call.
Status check_url_path(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') {
    return invalid_argument("static path must start with '/'");
  }
  if (url_path.find('\0') != std::string_view::npos) {
    return invalid_argument("static path contains NUL");
  }
  if (url_path.find('\\') != std::string_view::npos) {
    return invalid_argument("static path contains a backslash");
  }
  if (url_path.size() > 1 && url_path[1] == '/') {
    return invalid_argument("static path must be relative to the web root");
  }
  std::size_t begin = 1;
  while (begin <= url_path.size()) {
    std::size_t end = url_path.find('/', begin);
    if (end == std::string_view::npos) end = url_path.size();
    const std::string_view segment = url_path.substr(begin, end - begin);
    if (segment == "." || segment == "..") {
      return invalid_argument("static path must not contain '.' or '..' segments");
    }
    begin = end + 1;
  }
  return {};
}

// The canonical path of `relative` under `root` if it is a regular file inside the root.
std::optional<fs::path> existing_file_under(const fs::path& root, const fs::path& relative) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(root / relative, ec);
  if (ec || !is_inside(root, resolved)) return std::nullopt;
  if (!fs::is_regular_file(resolved, ec) || ec) return std::nullopt;
  return resolved;
}

}  // namespace

std::string_view content_type_for(const fs::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [known, type] : kTypes) {
    if (extension == known) return type;
  }
  return "application/octet-stream";
}

Result<StaticFile> resolve_static_file(const fs::path& web_root, std::string_view url_path) {
  if (Status checked = check_url_path(url_path); !checked) {
    return std::unexpected(checked.error());
  }
  std::error_code ec;
  const fs::path root = fs::canonical(web_root, ec);
  if (ec) return not_found(fmt::format("web root {} is missing", web_root.string()));

  const fs::path relative = fs::path(url_path.substr(1)).lexically_normal();
  // The web folder also holds its tests, npm packages and test screenshots (which show demo
  // personal data): none of that is served.
  if (!relative.empty()) {
    const std::string first = relative.begin()->string();
    for (std::string_view hidden : {"tests", "node_modules", "test-results", "scripts", "package.json",
                                    "package-lock.json"}) {
      if (first == hidden) return not_found(fmt::format("no file {}", url_path));
    }
  }
  std::optional<fs::path> file;
  if (!relative.empty() && relative != ".") file = existing_file_under(root, relative);
  // A page of its own ("/verifikasi" → verifikasi.html, which works offline apart from the app);
  // "/" and unknown routes of the single-page app ("/persons/3327…") get index.html.
  if (!file && !relative.empty() && !relative.has_extension() && relative != ".") {
    file = existing_file_under(root, relative.string() + ".html");
  }
  if (!file && !relative.has_extension()) file = existing_file_under(root, "index.html");
  if (!file) return not_found(fmt::format("no file {}", url_path));
  // Only what the front end is made of: no notes (README.md), dotfiles or unknown kinds.
  const std::string_view content_type = content_type_for(*file);
  if (content_type == "application/octet-stream" || file->filename().string().starts_with(".")) {
    return not_found(fmt::format("no file {}", url_path));
  }

  StaticFile result;
  result.content_type = std::string(content_type);
  // index.html must be revalidated so a new deploy shows at once; assets may be cached a while.
  result.cache_control = file->extension() == ".html" ? "no-cache" : "public, max-age=3600";
  result.path = std::move(*file);
  return result;
}

Result<HttpResponse> serve_static_file(const fs::path& web_root, std::string_view url_path) {
  Result<StaticFile> file = resolve_static_file(web_root, url_path);
  if (!file) return std::unexpected(file.error());
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file->path, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, "cannot read " + std::string(url_path));
  if (size > static_file_bytes_max) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("static file {} is too large: {} bytes", url_path, size));
  }
  std::ifstream in(file->path, std::ios::binary);
  HttpResponse response;
  response.body.resize(static_cast<std::size_t>(size));
  if (!in.read(response.body.data(), static_cast<std::streamsize>(size))) {
    return make_error(ErrorCode::kUnavailable, "cannot read " + std::string(url_path));
  }
  response.status = 200;
  response.content_type = std::move(file->content_type);
  response.headers.emplace_back("Cache-Control", std::move(file->cache_control));
  return response;
}

}  // namespace ektp::api
