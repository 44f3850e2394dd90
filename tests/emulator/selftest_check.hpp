// The plain-assert checks of the emulator's self-test programs (no test framework, so that the
// emulator can be checked on its own).
#pragma once

#include <cstdio>

namespace selftest {
inline int checks = 0;
inline int failures = 0;

/// Prints the tally; the process's exit status.
inline int summary() {
  std::printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
}  // namespace selftest

#define CHECK(cond)                                                             \
  do {                                                                          \
    ++selftest::checks;                                                         \
    if (!(cond)) {                                                              \
      ++selftest::failures;                                                     \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
    }                                                                           \
  } while (0)
