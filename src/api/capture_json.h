// JSON of capture-quality reports (photo rules), shared by `ektp photo check` and the station.
#pragma once

#include <boost/json/object.hpp>

#include "biometrics/photo_quality.h"

namespace ektp::api {

boost::json::object photo_report_json(const biometrics::PhotoReport& report);

}  // namespace ektp::api
