// The second-factor routes and the sign-in with a code, over a Router: the enrolment QR code
// decodes (ZXing) to the otpauth:// URI an app reads, codes from it sign in once, a password-only
// session of an admin may enrol and nothing else, only an admin resets a factor, every step audited.
#include "api/qr_svg.h"

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

#include <boost/json.hpp>

#include <fmt/format.h>

#include "access/totp.h"
#include "support/route_fixture.h"

namespace ektp::api {
namespace {

using namespace std::chrono;
using test::reason_of;

class TotpRoutesTest : public test::RouteTest {
 protected:
  std::vector<Role> totp_required_for() const override { return {Role::kAdmin, Role::kAdjudicator}; }

  std::string code_at(const access::TotpSecret& secret, system_clock::time_point t) const {
    return access::totp_code(secret, access::totp_step(duration_cast<seconds>(t.time_since_epoch()).count()));
  }
  boost::json::object body_of(const HttpResponse& response) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(response.body, ec);
    if (ec || !parsed.is_object()) return {};
    return parsed.as_object();
  }
  HttpResponse sign_in(std::string_view username, std::string_view password, std::string_view totp = "") {
    boost::json::object body{{"username", username}, {"password", password}};
    if (!totp.empty()) body["totp"] = totp;
    return call("POST", "/api/v1/auth/login", "", boost::json::serialize(body));
  }
};

// Renders the modules as a grey image, 4 px a module with the quiet zone, and reads it back.
std::string decode_qr(const QrModules& modules) {
  constexpr int kScale = 4;
  const int side = (modules.size + 8) * kScale;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(side * side), 255);
  for (int y = 0; y < modules.size; ++y) {
    for (int x = 0; x < modules.size; ++x) {
      if (!modules.at(x, y)) continue;
      for (int dy = 0; dy < kScale; ++dy) {
        for (int dx = 0; dx < kScale; ++dx) {
          pixels[static_cast<std::size_t>(((y + 4) * kScale + dy) * side + (x + 4) * kScale + dx)] = 0;
        }
      }
    }
  }
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  auto result = ZXing::ReadBarcode(ZXing::ImageView(pixels.data(), side, side, ZXing::ImageFormat::Lum), hints);
  return result.isValid() ? result.text() : std::string();
}

TEST(QrSvgTest, TheQrCodeDecodesToItsTextAndTheSvgDrawsIt) {
  const std::string uri = "otpauth://totp/ektp:root.admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ektp";
  auto modules = qr_modules(uri);
  ASSERT_OK(modules);
  EXPECT_EQ(decode_qr(*modules), uri);
  const std::string svg = qr_svg(*modules);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  const int units = modules->size + 8;
  EXPECT_NE(svg.find(fmt::format("viewBox=\"0 0 {0} {0}\"", units)), std::string::npos);
  std::size_t dark = 0;
  for (bool module : modules->dark) dark += module ? 1 : 0;
  std::size_t squares = 0;
  for (std::size_t at = svg.find("h1v1h-1z"); at != std::string::npos; at = svg.find("h1v1h-1z", at + 1)) ++squares;
  EXPECT_EQ(squares, dark);
  EXPECT_ERROR(qr_modules(""), ErrorCode::kInvalidArgument, "1 to 1024");
  EXPECT_ERROR(qr_modules(std::string(2000, 'a')), ErrorCode::kInvalidArgument, "1 to 1024");
}

TEST_P(TotpRoutesTest, AnAdminEnrolsFromTheQrCodeAndThenSignsInWithCodes) {
  // The fixture's admin session was made with the password alone: it may enrol, nothing else.
  auto users = call("GET", "/api/v1/users", admin_token);
  EXPECT_EQ(users.status, 403);
  EXPECT_EQ(reason_of(users), "totp_enrolment_required");
  auto state = call("GET", "/api/v1/auth/totp", admin_token);
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(body_of(state).at("enrolled").as_bool(), false);
  EXPECT_EQ(body_of(state).at("required").as_bool(), true);
  EXPECT_EQ(body_of(state).at("second_factor_pending").as_bool(), true);

  auto wrong_password = call("POST", "/api/v1/auth/totp", admin_token, R"({"password":"wrong"})");
  EXPECT_EQ(wrong_password.status, 403);  // not 401: the session stays
  EXPECT_EQ(reason_of(wrong_password), "password_wrong");
  EXPECT_EQ(call("POST", "/api/v1/auth/totp", admin_token, R"({"password":"x","extra":1})").status, 400);
  const int oversized = call("POST", "/api/v1/auth/totp", admin_token, std::string(2000, ' ')).status;
  EXPECT_TRUE(oversized >= 400 && oversized < 500) << oversized;  // over the 1 KiB limit
  auto begun = call("POST", "/api/v1/auth/totp", admin_token,
                    boost::json::serialize(boost::json::object{{"password", test::kStaffPassword}}));
  ASSERT_EQ(begun.status, 200) << begun.body;
  auto begun_body = body_of(begun);
  const std::string uri(begun_body.at("uri").as_string());
  auto secret = access::base32_decode(begun_body.at("secret").as_string());
  ASSERT_OK(secret);
  // What the app's camera reads from the SVG is the URI with this secret.
  auto modules = qr_modules(uri);
  ASSERT_OK(modules);
  EXPECT_EQ(decode_qr(*modules), uri);
  EXPECT_EQ(std::string(begun_body.at("qr_svg").as_string()), qr_svg(*modules));
  EXPECT_NE(uri.find(std::string(begun_body.at("secret").as_string())), std::string::npos);

  auto wrong = call("POST", "/api/v1/auth/totp/confirm", admin_token, R"({"code":"000000"})");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(reason_of(wrong), "totp_wrong");
  auto confirmed = call("POST", "/api/v1/auth/totp/confirm", admin_token,
                        boost::json::serialize(boost::json::object{{"code", code_at(*secret, now)}}));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(call("GET", "/api/v1/users", admin_token).status, 200);  // this session is now whole

  const auto later = now + minutes{3};
  now = later;
  auto asked = sign_in(test::kRootAdmin, test::kStaffPassword);
  EXPECT_EQ(asked.status, 401);
  EXPECT_EQ(reason_of(asked), "totp_required");
  EXPECT_FALSE(body_of(asked).contains("token"));
  EXPECT_EQ(sign_in(test::kRootAdmin, test::kStaffPassword, "12345x").status, 401);
  EXPECT_EQ(sign_in(test::kRootAdmin, test::kStaffPassword, std::string(40, '1')).status, 400);
  const std::string code = code_at(*secret, later);
  auto signed_in = sign_in(test::kRootAdmin, test::kStaffPassword, code);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(std::string(body_of(signed_in).at("second_factor").as_string()), "ok");
  auto replay = sign_in(test::kRootAdmin, test::kStaffPassword, code);
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(reason_of(replay), "totp_wrong");

  std::vector<std::string> actions;
  for (const auto& entry : audit_for(test::kRootAdmin)) actions.push_back(entry.action);
  for (const char* expected : {"totp.begin_failed", "totp.begin", "totp.confirm_failed", "totp.confirm",
                               "login_totp_asked", "login", "login_failed"}) {
    EXPECT_NE(std::find(actions.begin(), actions.end(), expected), actions.end()) << expected;
  }
}

TEST_P(TotpRoutesTest, OnlyAnAdminWithAWholeSessionResetsAFactor) {
  // The operator enrols (optional for operators), then loses the phone.
  auto begun = call("POST", "/api/v1/auth/totp", operator_token, R"({"password":"operator-password"})");
  ASSERT_EQ(begun.status, 200) << begun.body;
  auto secret = access::base32_decode(body_of(begun).at("secret").as_string());
  ASSERT_OK(secret);
  ASSERT_EQ(call("POST", "/api/v1/auth/totp/confirm", operator_token,
                 boost::json::serialize(boost::json::object{{"code", code_at(*secret, now)}}))
                .status,
            200);
  EXPECT_EQ(call("DELETE", "/api/v1/users/ani.op/totp", "").status, 401);
  EXPECT_EQ(call("DELETE", "/api/v1/users/ani.op/totp", operator_token).status, 403);
  auto pending_admin = call("DELETE", "/api/v1/users/ani.op/totp", admin_token);  // password-only session
  EXPECT_EQ(pending_admin.status, 403);
  EXPECT_EQ(reason_of(pending_admin), "totp_enrolment_required");
  EXPECT_EQ(reason_of(sign_in("ani.op", "operator-password")), "totp_required");  // still enrolled

  auto begun_admin = call("POST", "/api/v1/auth/totp", second_admin_token,
                          boost::json::serialize(boost::json::object{{"password", test::kStaffPassword}}));
  ASSERT_EQ(begun_admin.status, 200);
  auto admin_secret = access::base32_decode(body_of(begun_admin).at("secret").as_string());
  ASSERT_OK(admin_secret);
  ASSERT_EQ(call("POST", "/api/v1/auth/totp/confirm", second_admin_token,
                 boost::json::serialize(boost::json::object{{"code", code_at(*admin_secret, now)}}))
                .status,
            200);
  EXPECT_EQ(call("DELETE", "/api/v1/users/ani.op/totp", second_admin_token).status, 204);
  EXPECT_EQ(call("DELETE", "/api/v1/users/ani.op/totp", second_admin_token).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/users/Bad%20Name/totp", second_admin_token).status, 400);
  auto again = sign_in("ani.op", "operator-password");
  EXPECT_EQ(again.status, 200) << again.body;
  bool audited = false;
  for (const auto& entry : audit_for("ani.op")) audited |= entry.action == "user.totp_reset" && entry.actor == test::kSecondAdmin;
  EXPECT_TRUE(audited);
}

EKTP_INSTANTIATE_FOR_BACKENDS(TotpRoutesTest);

}  // namespace
}  // namespace ektp::api
