#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "support/test_support.h"

namespace ektp::api {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("ektp_static_" + std::to_string(std::random_device{}()));
    root_ = base_ / "web";
    write_file(root_ / "index.html", "<!doctype html><title>ektp</title>");
    write_file(root_ / "app.js", "console.log(1)");
    write_file(root_ / "assets" / "style.css", "body{}");
    write_file(root_ / "logo.png", "\x89PNG");
    write_file(root_ / "icon.svg", "<svg/>");
    write_file(root_ / "data.json", "{}");
    write_file(root_ / "favicon.ico", "ico");
    write_file(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(base_, root_ / "up");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(content_type_for("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("s.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("l.png"), "image/png");
  EXPECT_EQ(content_type_for("i.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("d.json"), "application/json");
  EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
  EXPECT_EQ(content_type_for("blob.bin"), "application/octet-stream");
}

TEST_F(StaticFilesTest, ServesFilesWithTypeAndCaching) {
  auto js = serve_static_file(root_, "/app.js");
  ASSERT_OK(js);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  ASSERT_EQ(js->headers.size(), 1u);
  EXPECT_EQ(js->headers[0].first, "Cache-Control");
  EXPECT_EQ(js->headers[0].second, "public, max-age=3600");

  auto css = resolve_static_file(root_, "/assets/style.css");
  ASSERT_OK(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, IndexForRootAndSinglePageRoutes) {
  for (const char* path : {"/", "/persons/3327015508900001", "/assets"}) {
    auto file = resolve_static_file(root_, path);
    ASSERT_OK(file);
    EXPECT_EQ(file->path.filename(), "index.html") << path;
    EXPECT_EQ(file->cache_control, "no-cache");
  }
  EXPECT_ERROR(resolve_static_file(root_, "/missing.js"), ErrorCode::kNotFound, "missing.js");
}

TEST_F(StaticFilesTest, APageOfItsOwnIsServedWithoutItsExtension) {
  write_file(root_ / "verifikasi.html", "<!doctype html><title>Verifikasi</title>");
  write_file(root_ / "scripts" / "vendor.mjs", "export {}");
  auto page = resolve_static_file(root_, "/verifikasi");
  ASSERT_OK(page);
  EXPECT_EQ(page->path.filename(), "verifikasi.html");
  EXPECT_EQ(page->cache_control, "no-cache");
  // Build scripts are not part of the front end; a symlinked page does not lead out.
  EXPECT_ERROR(resolve_static_file(root_, "/scripts/vendor.mjs"), ErrorCode::kNotFound, "vendor.mjs");
  auto up = resolve_static_file(root_, "/up/secret");
  ASSERT_OK(up);
  EXPECT_EQ(up->path.filename(), "index.html");
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./app.js",
                           "//etc/passwd", "/a\\..\\secret.txt", "relative.txt"}) {
    SCOPED_TRACE(path);
    EXPECT_ERROR(resolve_static_file(root_, path), ErrorCode::kInvalidArgument, "");
  }
  EXPECT_ERROR(resolve_static_file(root_, std::string_view("/app.js\0.png", 12)),
               ErrorCode::kInvalidArgument, "NUL");
}

TEST_F(StaticFilesTest, RefusesSymlinksOutOfTheRoot) {
  EXPECT_ERROR(resolve_static_file(root_, "/leak.txt"), ErrorCode::kNotFound, "leak.txt");
  EXPECT_ERROR(resolve_static_file(root_, "/up/secret.txt"), ErrorCode::kNotFound, "secret");
}

TEST_F(StaticFilesTest, HidesTestsPackagesAndScreenshots) {
  write_file(root_ / "tests" / "login.test.mjs", "test");
  write_file(root_ / "node_modules" / "x" / "index.js", "x");
  write_file(root_ / "test-results" / "person.png", "png");
  write_file(root_ / "package.json", "{}");
  for (const char* path : {"/tests/login.test.mjs", "/node_modules/x/index.js", "/test-results/person.png",
                           "/package.json"}) {
    SCOPED_TRACE(path);
    EXPECT_ERROR(resolve_static_file(root_, path), ErrorCode::kNotFound, "no file");
  }
  EXPECT_OK(resolve_static_file(root_, "/assets/style.css"));
}

TEST_F(StaticFilesTest, ServesNoNotesDotfilesOrUnknownKinds) {
  write_file(root_ / "README.md", "# how the front end is built");
  write_file(root_ / ".env", "TOKEN=x");
  write_file(root_ / "js" / "notes.md", "notes");
  write_file(root_ / "backup.tar", "tar");
  for (const char* path : {"/README.md", "/.env", "/js/notes.md", "/backup.tar"}) {
    SCOPED_TRACE(path);
    EXPECT_ERROR(resolve_static_file(root_, path), ErrorCode::kNotFound, "no file");
  }
}

TEST_F(StaticFilesTest, MissingRoot) {
  EXPECT_ERROR(resolve_static_file(base_ / "nothing", "/"), ErrorCode::kNotFound, "web root");
}

}  // namespace
}  // namespace ektp::api
