#include "bulk_matching/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace ektp::bulk {
namespace {

// Excel's "sep=;" first line: the delimiter, or 0 when the first line is not one.
char sep_line_delimiter(std::string_view start) {
  const std::string_view first_line = start.substr(0, start.find_first_of("\r\n"));
  if (first_line.size() == 5 && first_line.starts_with("sep=") &&
      (first_line[4] == ',' || first_line[4] == ';' || first_line[4] == '\t' ||
       first_line[4] == '|')) {
    return first_line[4];
  }
  return 0;
}

char detect_delimiter(std::string_view start) {
  const std::size_t line_end = start.find_first_of("\r\n");
  const std::string_view first_line = start.substr(0, line_end);
  if (first_line.find(',') == std::string_view::npos &&
      first_line.find(';') != std::string_view::npos) {
    return ';';
  }
  return ',';
}

}  // namespace

std::string_view record_fault_id(RecordFault fault) {
  static constexpr std::array<std::string_view, kRecordFaultCount> kIds = {
      "none",        "nul_byte",  "invalid_utf8",       "field_too_long", "too_many_fields",
      "record_too_long", "bad_quote", "unterminated_quote", "json_syntax",    "duplicate_key"};
  return kIds[static_cast<std::size_t>(fault)];
}

CsvReader::CsvReader(DecodedInput input, CsvLimits limits, char delimiter)
    : input_(std::move(input)), limits_(limits), delimiter_(delimiter) {
  buffer_.reserve(limits_.record_bytes_max + 16);
  field_ends_.reserve(std::min<std::size_t>(limits_.fields_max, 256));
}

void CsvReader::begin_record() {
  in_record_ = true;
  state_ = State::kFieldStart;
  buffer_.clear();
  field_ends_.clear();
  field_start_ = 0;
  field_overflow_ = false;
  record_bytes_ = 0;
  record_.line = line_;
  record_.valid = true;
  record_.fault = RecordFault::kNone;
  record_.error_field = 0;
  record_.error.clear();
}

void CsvReader::fail(RecordFault fault, std::size_t field, std::string message) {
  if (!record_.valid) return;  // the first fault is the one reported
  record_.valid = false;
  record_.fault = fault;
  record_.error_field = field;
  record_.error = std::move(message);
}

void CsvReader::append(const char* data, std::size_t n) {
  if (n == 0 || field_overflow_ || field_ends_.size() >= limits_.fields_max) return;
  if (buffer_.size() - field_start_ + n > limits_.field_bytes_max) {
    fail(RecordFault::kFieldTooLong, field_ends_.size() + 1,
         fmt::format("the field is longer than the limit of {} bytes", limits_.field_bytes_max));
    field_overflow_ = true;
    return;
  }
  buffer_.append(data, n);
}

void CsvReader::end_field() {
  if (field_ends_.size() >= limits_.fields_max) {
    fail(RecordFault::kTooManyFields, 0,
         fmt::format("the record has more than the limit of {} fields", limits_.fields_max));
    buffer_.resize(field_start_);
  } else {
    field_ends_.push_back(buffer_.size());
  }
  field_start_ = buffer_.size();
  field_overflow_ = false;
  state_ = State::kFieldStart;
}

void CsvReader::finish_record() {
  in_record_ = false;
  state_ = State::kFieldStart;
  ++records_read_;
  record_.fields.clear();
  std::size_t start = 0;
  for (const std::size_t end : field_ends_) {
    record_.fields.emplace_back(buffer_.data() + start, end - start);
    start = end;
  }
  if (!record_.valid || input_.encoding() != TextEncoding::kUtf8) return;
  for (std::size_t i = 0; i < record_.fields.size(); ++i) {
    const std::string_view field = record_.fields[i];
    if (const std::size_t bad = first_invalid_utf8(field); bad != std::string_view::npos) {
      fail(RecordFault::kInvalidUtf8, i + 1,
           fmt::format("byte {} of the field (0x{:02X}) is not valid UTF-8", bad + 1,
                       static_cast<unsigned char>(field[bad])));
      return;
    }
  }
}

bool CsvReader::scan() {
  const char* data = chunk_.data();
  const std::size_t size = chunk_.size();
  const auto end_of_line = [this](char c) {
    ++pos_;
    ++line_;
    skip_lf_ = c == '\r';
  };
  while (pos_ < size) {
    const char c = data[pos_];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        ++pos_;
        continue;
      }
    }
    if (!in_record_) {
      if (c == '\n' || c == '\r') {  // an empty line: not a record
        end_of_line(c);
        continue;
      }
      begin_record();
    }
    if (record_bytes_ > limits_.record_bytes_max && state_ != State::kSkipToLineEnd) {
      fail(
          RecordFault::kRecordTooLong, 0,
          fmt::format("the record is longer than the limit of {} bytes", limits_.record_bytes_max));
      state_ = State::kSkipToLineEnd;
    }
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          quote_line_ = line_;
          ++pos_;
          ++record_bytes_;
        } else if (c == delimiter_) {
          end_field();
          ++pos_;
          ++record_bytes_;
        } else if (c == '\n' || c == '\r') {
          end_field();
          finish_record();
          end_of_line(c);
          return true;
        } else {
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        std::size_t j = pos_;
        while (j < size && unquoted_special_[static_cast<unsigned char>(data[j])] == 0) ++j;
        append(data + pos_, j - pos_);
        record_bytes_ += j - pos_;
        pos_ = j;
        if (j == size || record_bytes_ > limits_.record_bytes_max) break;
        const char s = data[j];
        if (s == delimiter_) {
          end_field();
          ++pos_;
          ++record_bytes_;
        } else if (s == '\n' || s == '\r') {
          end_field();
          finish_record();
          end_of_line(s);
          return true;
        } else {  // NUL
          fail(RecordFault::kNulByte, field_ends_.size() + 1,
               fmt::format("NUL byte (0x00) at byte {} of the field",
                           buffer_.size() - field_start_ + 1));
          ++pos_;
          ++record_bytes_;
        }
        break;
      }
      case State::kQuoted: {
        std::size_t j = pos_;
        while (j < size && quoted_special_[static_cast<unsigned char>(data[j])] == 0) ++j;
        append(data + pos_, j - pos_);
        record_bytes_ += j - pos_;
        pos_ = j;
        if (j == size) break;
        const char s = data[j];
        ++pos_;
        ++record_bytes_;
        if (s == '"') {
          state_ = State::kQuoteInQuoted;
        } else if (s == '\n') {
          append(&s, 1);
          ++line_;
        } else {  // NUL
          fail(RecordFault::kNulByte, field_ends_.size() + 1,
               fmt::format("NUL byte (0x00) at byte {} of the field",
                           buffer_.size() - field_start_ + 1));
        }
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // a doubled quote: one literal quote
          append(&c, 1);
          state_ = State::kQuoted;
          ++pos_;
          ++record_bytes_;
        } else if (c == delimiter_) {
          end_field();
          ++pos_;
          ++record_bytes_;
        } else if (c == '\n' || c == '\r') {
          end_field();
          finish_record();
          end_of_line(c);
          return true;
        } else {
          fail(RecordFault::kBadQuote, field_ends_.size() + 1,
               fmt::format(
                   "'{}' after the closing quote; a quote inside a quoted field must be "
                   "doubled",
                   static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E
                       ? fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c))
                       : std::string(1, c)));
          state_ = State::kUnquoted;  // the byte is read again as part of an unquoted field
        }
        break;
      case State::kSkipToLineEnd: {
        std::size_t j = pos_;
        while (j < size && data[j] != '\n' && data[j] != '\r') ++j;
        pos_ = j;
        if (j == size) break;
        finish_record();
        end_of_line(data[j]);
        return true;
      }
    }
  }
  return false;
}

Result<bool> CsvReader::next() {
  if (!started_) {
    EKTP_RETURN_IF_ERROR(input_.start());
    bool skip_sep_line = false;
    if (delimiter_ == 0) {
      delimiter_ = sep_line_delimiter(input_.peek());
      skip_sep_line = delimiter_ != 0;
      if (!skip_sep_line) delimiter_ = detect_delimiter(input_.peek());
    }
    for (const char s : {delimiter_, '\n', '\r', '\0'}) {
      unquoted_special_[static_cast<unsigned char>(s)] = 1;
    }
    for (const char s : {'"', '\n', '\0'}) quoted_special_[static_cast<unsigned char>(s)] = 1;
    started_ = true;
    if (skip_sep_line) {  // the "sep=;" line is a directive, not a record
      EKTP_ASSIGN_OR_RETURN(const bool had_line, next());
      if (!had_line) return false;
      --records_read_;
    }
  }
  if (ended_) return false;
  while (true) {
    if (pos_ >= chunk_.size()) {
      EKTP_ASSIGN_OR_RETURN(chunk_, input_.next_chunk());
      pos_ = 0;
      if (chunk_.empty()) {
        ended_ = true;
        if (!in_record_) return false;
        if (state_ == State::kQuoted) {
          fail(RecordFault::kUnterminatedQuote, field_ends_.size() + 1,
               fmt::format("the quoted field opened on line {} is never closed", quote_line_));
        }
        if (state_ != State::kSkipToLineEnd) end_field();
        finish_record();
        return true;
      }
    }
    if (scan()) return true;
  }
}

}  // namespace ektp::bulk
