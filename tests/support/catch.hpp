#pragma once
// Catch2 v2 (Debian 12) and v3 spell their headers differently; tests include this instead.
#if defined(CENTRALI_CATCH2_V3)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
