# Third-party libraries, all from Debian 12 packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(ZXing REQUIRED)  # tests read back the QR codes we draw
find_package(ZLIB REQUIRED)   # SUKET QR payloads are zlib-compressed
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(PCSC REQUIRED IMPORTED_TARGET libpcsclite)  # the chip through any PC/SC reader
pkg_check_modules(CBOR REQUIRED IMPORTED_TARGET libcbor)  # SUKET credentials (MOSIP Claim 169)
# Only the header <p11-kit/pkcs11.h>: PKCS#11 modules (SoftHSM2, an HSM) are loaded with dlopen.
pkg_check_modules(P11KIT REQUIRED p11-kit-1)

# OpenCV: the config file ships only with the heavy libopencv-dev; fall back to the split packages.
find_package(OpenCV 4 QUIET COMPONENTS core imgproc imgcodecs objdetect)
if(NOT OpenCV_FOUND)
  find_path(OpenCV_INCLUDE_DIRS opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
  add_library(opencv_lean INTERFACE)
  target_include_directories(opencv_lean SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
  foreach(m core imgproc imgcodecs objdetect)
    find_library(OpenCV_${m}_LIB opencv_${m} REQUIRED)
    target_link_libraries(opencv_lean INTERFACE ${OpenCV_${m}_LIB})
  endforeach()
  set(OpenCV_LIBS opencv_lean)
endif()
