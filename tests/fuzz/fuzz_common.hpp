// Shared by the libFuzzer targets: named invariant checks that trap on failure.
//
// Every check has a name. A known finding can be switched off while the fuzzer keeps looking
// for others: CENTRALI_FUZZ_SKIP=name1,name2 (see tests/fuzz/RESULTS.md for the names that
// have reproducers in tests/fuzz/regressions/).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace centrali_fuzz {

inline bool skipped(const char* name) {
    static const std::string skip = [] {
        const char* env = std::getenv("CENTRALI_FUZZ_SKIP");
        return std::string(",") + (env ? env : "") + ",";
    }();
    return skip.find(std::string(",") + name + ",") != std::string::npos;
}

/// Traps (a libFuzzer crash) when `ok` is false, after saying which invariant broke.
inline void check(bool ok, const char* name, std::string_view detail = {}) {
    if (ok || skipped(name)) return;
    std::fprintf(stderr, "\n*** centrali fuzz invariant '%s' violated", name);
    if (!detail.empty()) {
        std::fprintf(stderr, ": ");
        for (unsigned char c : detail.substr(0, 600)) {
            if (c >= 0x20 && c < 0x7f) std::fputc(c, stderr);
            else std::fprintf(stderr, "\\x%02X", c);
        }
    }
    std::fprintf(stderr, "\n(skip it with CENTRALI_FUZZ_SKIP=%s)\n", name);
    __builtin_trap();
}

[[noreturn]] inline void unexpected_exception(const char* where, const char* what) {
    std::fprintf(stderr, "\n*** centrali fuzz: unexpected exception from %s: %s\n", where, what);
    __builtin_trap();
}

}  // namespace centrali_fuzz
