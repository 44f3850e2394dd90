// ISO-8601 UTC timestamps with milliseconds, as Centrali writes them.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace centrali_emulator {

inline std::string iso_time(long long epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(epoch_ms % 1000));
  return out;
}

inline std::string iso_now() {
  using namespace std::chrono;
  return iso_time(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace centrali_emulator
