#include "api/capture_json.h"

#include <cmath>

#include <boost/json.hpp>

namespace ektp::api {

namespace {

namespace bio = ektp::biometrics;

double rounded(double x) { return std::round(x * 1e4) / 1e4; }

boost::json::object check_json(const bio::QualityCheck& c) {
  return {{"id", c.id},
          {"result", bio::outcome_name(c.outcome)},
          {"value", rounded(c.value)},
          {"limit", rounded(c.limit)},
          {"bound", bio::bound_name(c.bound)},
          {"message", c.message}};
}

}  // namespace

boost::json::object photo_report_json(const bio::PhotoReport& r) {
  boost::json::array checks;
  boost::json::array failed;
  for (const auto& c : r.checks) {
    checks.push_back(check_json(c));
    if (c.outcome == bio::CheckOutcome::kFail) failed.push_back(boost::json::string(c.id));
  }
  boost::json::value face = nullptr;
  if (r.face) {
    face = boost::json::object{{"x", r.face->x}, {"y", r.face->y}, {"width", r.face->width},
                               {"height", r.face->height}, {"votes", r.face->votes}};
  }
  return {{"ok", r.ok},     {"width", r.width}, {"height", r.height}, {"faces", r.faces},
          {"face", face},   {"failed", failed}, {"checks", checks}};
}


}  // namespace ektp::api
