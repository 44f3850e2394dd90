// A third translation unit that includes the SDK after the macros windows.h (without NOMINMAX)
// and other C headers are known to define.
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define DELETE 0x00010000L
#define ERROR 0
#define NO_ERROR 0L
#include <centrali/client.hpp>

std::string make_url_b() {
    return centrali::detail::percent_encode("a b");
}
