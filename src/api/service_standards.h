// The public service standards (standar pelayanan, UU 25/2009): for each service its
// requirements, steps, time and cost (always Rp 0), and the complaint channel. Bahasa Indonesia.
#pragma once

#include <boost/json/object.hpp>

namespace ektp::api {

boost::json::object service_standards_json();

}  // namespace ektp::api
