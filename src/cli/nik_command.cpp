// `ektp nik parse NIK`: validates a NIK and describes it as one JSON object.
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "cli/commands.h"
#include "core/nik.h"

namespace ektp::cli {

namespace {

boost::json::object region_json(const RegionDirectory& regions, std::string_view code) {
  const Region* region = regions.find(code);
  return {{"code", std::string(code)}, {"name", region ? region->name : std::string()}};
}

int run_nik_parse(const std::string& text) {
  const auto& regions = RegionDirectory::builtin();
  auto today = jakarta_date_of(std::chrono::system_clock::now());
  auto parts = parse_nik(text, regions, today);
  if (!parts) {
    boost::json::object out{{"valid", false}, {"error", parts.error().message}};
    std::cout << boost::json::serialize(out) << "\n";
    std::cerr << "invalid NIK: " << parts.error().message << "\n";
    return 1;
  }
  boost::json::object out{
      {"valid", true},
      {"nik", parts->nik},
      {"province", region_json(regions, parts->district_code.substr(0, 2))},
      {"regency", region_json(regions, parts->district_code.substr(0, 4))},
      {"district", region_json(regions, parts->district_code)},
      {"sex", std::string(sex_code(parts->sex))},
      {"birth_day", parts->birth_day},
      {"birth_month", parts->birth_month},
      {"birth_year_two_digits", parts->birth_year_two_digits},
      {"birth_date", format_civil_date(parts->birth_date)},
      {"serial", parts->serial},
  };
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

}  // namespace

void register_nik_commands(CLI::App& app) {
  auto* nik = app.add_subcommand("nik", "NIK numbers");
  nik->require_subcommand(1);
  auto* parse = nik->add_subcommand("parse", "validate a NIK and describe its parts as JSON");
  auto text = std::make_shared<std::string>();
  parse->add_option("NIK", *text, "16-digit NIK")->required();
  parse->callback([text] { exit_code() = run_nik_parse(*text); });
}

}  // namespace ektp::cli
