#include "bulk_matching/result_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

namespace ektp::bulk {
namespace {

constexpr std::size_t kBufferBytes = 64 << 10;

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += fmt::format("\\u{:04x}", byte);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// The score with three decimals, clamped to 0–1; nothing for none or not a number.
std::string score_text(const std::optional<double>& score) {
  if (!score || std::isnan(*score)) return {};
  return fmt::format("{:.3f}", std::clamp(*score, 0.0, 1.0));
}

}  // namespace

std::vector<std::string> result_field_names(const std::array<bool, kColumnCount>& columns) {
  std::vector<std::string> names = {"row_id", "result"};
  for (std::size_t i = 1; i < kColumnCount; ++i) {
    if (columns[i]) names.push_back(fmt::format("{}_verdict", column_name(static_cast<Column>(i))));
  }
  names.insert(names.end(), {"name_score", "matched_nik", "reason"});
  return names;
}

bool needs_formula_neutralising(std::string_view value) {
  if (value.empty()) return false;
  const char c = value.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void append_csv_field(std::string& out, std::string_view value, bool neutralise) {
  const bool neutralised = neutralise && needs_formula_neutralising(value);
  const bool quoted = neutralised || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quoted) {
    out.append(value);
    return;
  }
  out.push_back('"');
  if (neutralised) out.push_back('\'');
  for (const char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

ResultWriter::ResultWriter(std::ostream& out, ResultFormat format,
                           const std::array<bool, kColumnCount>& columns)
    : out_(&out), format_(format), columns_(columns) {
  buffer_.reserve(kBufferBytes + 4096);
}

void ResultWriter::append_header() {
  header_written_ = true;
  if (format_ != ResultFormat::kCsv) return;
  const auto names = result_field_names(columns_);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) buffer_.push_back(',');
    buffer_ += names[i];
  }
  buffer_ += "\r\n";
}

void ResultWriter::append_csv(const RowOutcome& outcome) {
  append_csv_field(buffer_, outcome.row_id);
  buffer_.push_back(',');
  buffer_ += row_result_id(outcome.result);
  for (std::size_t i = 1; i < kColumnCount; ++i) {
    if (!columns_[i]) continue;
    buffer_.push_back(',');
    buffer_ += field_verdict_id(outcome.verdicts[i]);
  }
  buffer_.push_back(',');
  buffer_ += score_text(outcome.name_score);
  buffer_.push_back(',');
  if (outcome.matched_nik) append_csv_field(buffer_, *outcome.matched_nik);
  buffer_.push_back(',');
  append_csv_field(buffer_, outcome.invalid_reason);
  buffer_ += "\r\n";
}

void ResultWriter::append_jsonl(const RowOutcome& outcome) {
  buffer_ += "{\"row_id\":";
  append_json_string(buffer_, outcome.row_id);
  buffer_ += ",\"result\":\"";
  buffer_ += row_result_id(outcome.result);
  buffer_.push_back('"');
  for (std::size_t i = 1; i < kColumnCount; ++i) {
    if (!columns_[i]) continue;
    buffer_ += ",\"";
    buffer_ += column_name(static_cast<Column>(i));
    buffer_ += "_verdict\":";
    if (outcome.verdicts[i] == FieldVerdict::kNotSupplied) {
      buffer_ += "null";
    } else {
      buffer_.push_back('"');
      buffer_ += field_verdict_id(outcome.verdicts[i]);
      buffer_.push_back('"');
    }
  }
  const std::string score = score_text(outcome.name_score);
  buffer_ += ",\"name_score\":";
  buffer_ += score.empty() ? std::string("null") : score;
  buffer_ += ",\"matched_nik\":";
  if (outcome.matched_nik) {
    append_json_string(buffer_, *outcome.matched_nik);
  } else {
    buffer_ += "null";
  }
  buffer_ += ",\"reason\":";
  if (outcome.invalid_reason.empty()) {
    buffer_ += "null";
  } else {
    append_json_string(buffer_, outcome.invalid_reason);
  }
  buffer_ += "}\n";
}

Status ResultWriter::drain() {
  if (buffer_.empty()) return {};
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!*out_) return make_error(ErrorCode::kUnavailable, "writing the result file failed");
  return {};
}

Status ResultWriter::write(const RowOutcome& outcome) {
  if (!header_written_) append_header();
  if (format_ == ResultFormat::kCsv) {
    append_csv(outcome);
  } else {
    append_jsonl(outcome);
  }
  ++rows_written_;
  if (buffer_.size() >= kBufferBytes) return drain();
  return {};
}

Status ResultWriter::finish() {
  if (!header_written_) append_header();
  EKTP_RETURN_IF_ERROR(drain());
  out_->flush();
  if (!*out_) return make_error(ErrorCode::kUnavailable, "writing the result file failed");
  return {};
}

Status ResultWriter::flush() {
  EKTP_RETURN_IF_ERROR(drain());
  out_->flush();
  if (!*out_) return make_error(ErrorCode::kUnavailable, "writing the result file failed");
  return {};
}

void ResultWriter::resume(std::uint64_t rows_written) {
  header_written_ = true;
  rows_written_ = rows_written;
}

}  // namespace ektp::bulk
