// EKTP_ASSERT: checks for programmer errors, on in every build type. Bad input never reaches an
// assertion; it gets an Error instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define EKTP_ASSERT(condition)                                                     \
  do {                                                                             \
    if (!(condition)) {                                                            \
      std::fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__,    \
                   #condition);                                                    \
      std::abort();                                                                \
    }                                                                              \
  } while (false)
