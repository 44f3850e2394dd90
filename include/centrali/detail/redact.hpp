#pragma once
// Secrets never reach an error or a log line: every text the SDK builds from what a server sent
// (messages, codes, request ids, details, body snippets, what()) goes through a Redactor that
// knows the call's secrets in every spelling a server might echo them in.

#include <centrali/version.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class Redactor {
public:
    /// Secrets shorter than 4 bytes are ignored: they would shred any text.
    explicit Redactor(const std::vector<std::string>& secrets);

    /// Every occurrence of every secret, as sent, percent-encoded (either case of hex digits,
    /// form-style `+` for spaces) or JSON-escaped, replaced with REDACTED.
    std::string operator()(std::string text) const;
    /// The first `limit` bytes of a body for a message (control characters shown as '.', cut
    /// on a UTF-8 boundary), redacted before the cut so that no secret survives in part.
    std::string snippet(std::string_view body, std::size_t limit) const;
    /// A JSON value with every string inside it redacted (keys included).
    nlohmann::json json(const nlohmann::json& value) const;

private:
    std::vector<std::string> spellings_;  // longest first
};

/// The first `limit` bytes of `body`, with control characters shown as '.', cut on a UTF-8
/// character boundary.
std::string body_snippet(std::string_view body, std::size_t limit = 512);

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/redact.ipp>
#endif
