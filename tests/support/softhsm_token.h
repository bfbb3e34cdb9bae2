// Throwaway SoftHSM2 tokens for tests: a temporary directory with its own softhsm2.conf and token
// store, and tokens initialised in it with softhsm2-util. Header-only.
//
// SoftHSM reads SOFTHSM2_CONF (and scans its token directory) at C_Initialize, so a test process
// uses ONE configuration: softhsm_home() makes it on first use, points SOFTHSM2_CONF at it and
// removes the directory when the process exits. Make every token a test needs (make_softhsm_token,
// e.g. in SetUpTestSuite) while no Pkcs11Token of the module is open: a token initialised while
// the module is initialised stays invisible to this process until the last Pkcs11Token closes
// (Pkcs11Token then calls C_Finalize, and the next open scans again).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ektp::test {

inline const std::filesystem::path kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

// The process's SoftHSM home: DIR/softhsm2.conf and DIR/tokens, SOFTHSM2_CONF set to it.
class SoftHsmHome {
 public:
  SoftHsmHome() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ektp-softhsm-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ / "tokens");
    std::ofstream conf(dir_ / "softhsm2.conf");
    conf << "directories.tokendir = " << (dir_ / "tokens").string() << "\n"
         << "objectstore.backend = file\n"
         << "log.level = ERROR\n"
         << "slots.removable = false\n";
    conf.close();
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
  }
  ~SoftHsmHome() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  SoftHsmHome(const SoftHsmHome&) = delete;
  SoftHsmHome& operator=(const SoftHsmHome&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

inline SoftHsmHome& softhsm_home() {
  static SoftHsmHome home;
  return home;
}

// Whether SoftHSM2 (module and softhsm2-util) is installed; tests GTEST_SKIP without it.
inline bool softhsm_available() {
  return std::filesystem::exists(kSoftHsmModule) && std::system("command -v softhsm2-util >/dev/null 2>&1") == 0;
}

// Initialises a fresh token `label` in the first free slot of the process's SoftHSM home.
// Returns false (and prints softhsm2-util's complaint) when that fails, e.g. a label reused.
inline bool make_softhsm_token(std::string_view label, std::string_view so_pin, std::string_view user_pin) {
  softhsm_home();
  const std::string command = "softhsm2-util --init-token --free --label '" + std::string(label) + "' --so-pin '" +
                              std::string(so_pin) + "' --pin '" + std::string(user_pin) + "' >/dev/null";
  return std::system(command.c_str()) == 0;
}

}  // namespace ektp::test
