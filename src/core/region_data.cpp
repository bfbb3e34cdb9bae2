// The region CSV files, embedded into the binary with the assembler's .incbin so that the
// program needs no data directory at run time. EKTP_REGION_DATA_DIR is set by CMake.
#include <string_view>

#define EKTP_STRINGIFY_INNER(x) #x
#define EKTP_STRINGIFY(x) EKTP_STRINGIFY_INNER(x)

#define EKTP_EMBED(symbol, file)                                                   \
  __asm__(".section .rodata\n"                                                     \
          ".global " #symbol "_begin\n"                                            \
          ".balign 16\n" #symbol "_begin:\n"                                       \
          ".incbin \"" EKTP_STRINGIFY(EKTP_REGION_DATA_DIR) "/" file "\"\n"        \
          ".global " #symbol "_end\n" #symbol "_end:\n"                            \
          ".byte 0\n"                                                              \
          ".previous\n");                                                          \
  extern "C" const char symbol##_begin[];                                          \
  extern "C" const char symbol##_end[];

EKTP_EMBED(ektp_provinces_csv, "provinces.csv")
EKTP_EMBED(ektp_regencies_csv, "regencies.csv")
EKTP_EMBED(ektp_districts_csv, "districts.csv")
EKTP_EMBED(ektp_villages_csv, "villages.csv")

namespace ektp::region_data {

std::string_view provinces_csv() { return {ektp_provinces_csv_begin, ektp_provinces_csv_end}; }
std::string_view regencies_csv() { return {ektp_regencies_csv_begin, ektp_regencies_csv_end}; }
std::string_view districts_csv() { return {ektp_districts_csv_begin, ektp_districts_csv_end}; }
std::string_view villages_csv() { return {ektp_villages_csv_begin, ektp_villages_csv_end}; }

}  // namespace ektp::region_data
