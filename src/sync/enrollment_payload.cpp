#include "sync/enrollment_payload.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>

#include "core/limits.h"
#include "registry/json_fields.h"
#include "registry/receipt_number.h"

namespace ektp::sync {

namespace {

using boost::json::array;
using boost::json::object;
using namespace ektp::json;

#define EKTP_SYNC_TRY_ASSIGN(target, expr)           \
  do {                                               \
    auto _value = (expr);                            \
    if (!_value) return std::unexpected(_value.error()); \
    target = std::move(*_value);                     \
  } while (false)

Result<std::vector<std::uint8_t>> optional_bytes(const object& o, std::string_view field, std::size_t max,
                                                 std::string_view what) {
  auto text = optional_string(o, field, what);
  if (!text) return std::unexpected(text.error());
  if (!*text || (*text)->empty()) return std::vector<std::uint8_t>{};
  return base64_decode(**text, max, fmt::format("{}.{}", what, field));
}

}  // namespace

std::string base64_encode(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) return {};
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text, std::size_t bytes_max, std::string_view what) {
  if (text.size() / 4 * 3 > bytes_max + 3) {
    return invalid_argument(fmt::format("{}: more than {} bytes", what, bytes_max));
  }
  std::vector<std::uint8_t> out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return invalid_argument(fmt::format("{}: not valid base64", what));
  }
  if (length > bytes_max) return invalid_argument(fmt::format("{}: more than {} bytes", what, bytes_max));
  out.resize(length);
  return out;
}

std::string enrollment_to_payload(const registry::Enrollment& e) {
  array fingers;
  for (const auto& f : e.fingers) {
    fingers.push_back(object{{"position", f.position},
                             {"image", base64_encode(f.image)},
                             {"image_sha256", f.image_sha256},
                             {"template", base64_encode(f.template_bytes)},
                             {"quality", f.quality},
                             {"missing_reason", f.missing_reason}});
  }
  array irises;
  for (const auto& i : e.irises) {
    irises.push_back(object{{"eye", i.eye},
                            {"image", base64_encode(i.image)},
                            {"image_sha256", i.image_sha256},
                            {"quality", i.quality},
                            {"missing_reason", i.missing_reason}});
  }
  array modalities;
  for (const auto& m : e.modalities) modalities.emplace_back(m);
  object o{{"enrollment_id", e.enrollment_id},
           {"nik", e.nik},
           {"station_id", e.station_id},
           {"operator", e.operator_name},
           {"captured_at_ms", e.captured_at_ms},
           {"modalities", std::move(modalities)},
           {"biodata_changes", e.biodata_changes_json},
           {"base_version", e.base_version},
           {"photo", base64_encode(e.photo)},
           {"photo_mime", e.photo_mime},
           {"photo_sha256", e.photo_sha256},
           {"photo_report", e.photo_report_json},
           {"signature", base64_encode(e.signature)},
           {"signature_sha256", e.signature_sha256},
           {"fingers", std::move(fingers)},
           {"irises", std::move(irises)}};
  if (!e.receipt_number.empty()) o["receipt_number"] = e.receipt_number;
  return boost::json::serialize(o);
}

Result<registry::Enrollment> enrollment_from_payload(std::string_view payload) {
  auto value = parse_json_text(payload, limits::enrollment_body_bytes_max, "enrollment");
  if (!value) return std::unexpected(value.error());
  auto o = as_object(*value, "enrollment");
  if (!o) return std::unexpected(o.error());
  const object& obj = **o;
  registry::Enrollment e;
  EKTP_SYNC_TRY_ASSIGN(e.enrollment_id, required_string(obj, "enrollment_id"));
  EKTP_SYNC_TRY_ASSIGN(e.nik, required_string(obj, "nik"));
  EKTP_SYNC_TRY_ASSIGN(e.station_id, required_string(obj, "station_id"));
  EKTP_SYNC_TRY_ASSIGN(e.operator_name, required_string(obj, "operator"));
  EKTP_SYNC_TRY_ASSIGN(e.captured_at_ms, required_int(obj, "captured_at_ms"));
  std::optional<std::string> receipt;
  EKTP_SYNC_TRY_ASSIGN(receipt, optional_string(obj, "receipt_number"));
  if (receipt) {
    if (!registry::normalize_receipt_number(*receipt)) return invalid_argument("receipt_number: not a receipt number");
    e.receipt_number = *receipt;
  }
  std::optional<std::string> changes;
  EKTP_SYNC_TRY_ASSIGN(changes, optional_string(obj, "biodata_changes"));
  e.biodata_changes_json = changes.value_or("{}");
  std::optional<std::int64_t> base;
  EKTP_SYNC_TRY_ASSIGN(base, optional_int(obj, "base_version"));
  e.base_version = base.value_or(0);
  EKTP_SYNC_TRY_ASSIGN(e.photo, optional_bytes(obj, "photo", limits::photo_bytes_max, "enrollment"));
  EKTP_SYNC_TRY_ASSIGN(e.photo_mime, required_string(obj, "photo_mime"));
  EKTP_SYNC_TRY_ASSIGN(e.photo_sha256, required_string(obj, "photo_sha256"));
  std::optional<std::string> report;
  EKTP_SYNC_TRY_ASSIGN(report, optional_string(obj, "photo_report"));
  e.photo_report_json = report.value_or("{}");
  EKTP_SYNC_TRY_ASSIGN(e.signature, optional_bytes(obj, "signature", limits::signature_bytes_max, "enrollment"));
  EKTP_SYNC_TRY_ASSIGN(e.signature_sha256, required_string(obj, "signature_sha256"));
  const array* modalities = nullptr;
  EKTP_SYNC_TRY_ASSIGN(modalities, optional_array(obj, "modalities", 4));
  for (const auto& m : *modalities) {
    if (!m.is_string()) return invalid_argument("modalities: must be strings");
    e.modalities.emplace_back(m.as_string());
  }
  const array* fingers = nullptr;
  EKTP_SYNC_TRY_ASSIGN(fingers, optional_array(obj, "fingers", 10));
  for (std::size_t i = 0; i < fingers->size(); ++i) {
    std::string what = fmt::format("fingers[{}]", i);
    auto fo = as_object((*fingers)[i], what);
    if (!fo) return std::unexpected(fo.error());
    registry::FingerCapture f;
    std::int64_t position = 0;
    EKTP_SYNC_TRY_ASSIGN(position, required_int(**fo, "position", what));
    f.position = static_cast<int>(std::clamp<std::int64_t>(position, -1, 99));
    EKTP_SYNC_TRY_ASSIGN(f.image, optional_bytes(**fo, "image", limits::finger_image_bytes_max, what));
    std::optional<std::string> text;
    EKTP_SYNC_TRY_ASSIGN(text, optional_string(**fo, "image_sha256", what));
    f.image_sha256 = text.value_or("");
    EKTP_SYNC_TRY_ASSIGN(f.template_bytes, optional_bytes(**fo, "template", 64 << 10, what));
    std::optional<std::int64_t> quality;
    EKTP_SYNC_TRY_ASSIGN(quality, optional_int(**fo, "quality", what));
    f.quality = static_cast<int>(std::clamp<std::int64_t>(quality.value_or(0), -1, 99));
    EKTP_SYNC_TRY_ASSIGN(text, optional_string(**fo, "missing_reason", what));
    f.missing_reason = text.value_or("");
    e.fingers.push_back(std::move(f));
  }
  const array* irises = nullptr;
  EKTP_SYNC_TRY_ASSIGN(irises, optional_array(obj, "irises", 2));
  for (std::size_t i = 0; i < irises->size(); ++i) {
    std::string what = fmt::format("irises[{}]", i);
    auto io = as_object((*irises)[i], what);
    if (!io) return std::unexpected(io.error());
    registry::IrisCapture iris;
    EKTP_SYNC_TRY_ASSIGN(iris.eye, required_string(**io, "eye", what));
    EKTP_SYNC_TRY_ASSIGN(iris.image, optional_bytes(**io, "image", limits::iris_image_bytes_max, what));
    std::optional<std::string> text;
    EKTP_SYNC_TRY_ASSIGN(text, optional_string(**io, "image_sha256", what));
    iris.image_sha256 = text.value_or("");
    std::optional<std::int64_t> quality;
    EKTP_SYNC_TRY_ASSIGN(quality, optional_int(**io, "quality", what));
    iris.quality = static_cast<int>(std::clamp<std::int64_t>(quality.value_or(0), -1, 101));
    EKTP_SYNC_TRY_ASSIGN(text, optional_string(**io, "missing_reason", what));
    iris.missing_reason = text.value_or("");
    e.irises.push_back(std::move(iris));
  }
  if (auto s = registry::validate_enrollment(e); !s) return std::unexpected(s.error());
  return e;
}

}  // namespace ektp::sync
