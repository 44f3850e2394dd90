// Two translation units include the whole SDK: any non-inline definition in a header would
// make this program fail to link.
#include <centrali/client.hpp>

std::string make_url_a() {
    return centrali::detail::percent_encode("a b");
}
