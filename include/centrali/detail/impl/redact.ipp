#pragma once

#include <centrali/detail/json.hpp>
#include <centrali/detail/redact.hpp>
#include <centrali/detail/url.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL Redactor::Redactor(const std::vector<std::string>& secrets) {
    auto add = [this](std::string spelling) {
        if (spelling.size() < 4) return;
        if (std::find(spellings_.begin(), spellings_.end(), spelling) == spellings_.end())
            spellings_.push_back(std::move(spelling));
    };
    for (const std::string& secret : secrets) {
        if (secret.size() < 4) continue;
        add(secret);
        const std::string upper = percent_encode(secret);
        add(upper);
        std::string lower = upper;
        for (std::size_t i = 0; i < lower.size(); ++i)
            if (lower[i] == '%' && i + 2 < lower.size())
                for (std::size_t j = i + 1; j <= i + 2; ++j)
                    if (lower[j] >= 'A' && lower[j] <= 'F') lower[j] = static_cast<char>(lower[j] - 'A' + 'a');
        add(std::move(lower));
        std::string form = upper;
        for (std::size_t at = form.find("%20"); at != std::string::npos; at = form.find("%20", at + 1))
            form.replace(at, 3, "+");
        add(std::move(form));
        const std::string quoted = dump_json(nlohmann::json(secret));
        add(quoted.substr(1, quoted.size() - 2));
    }
    // Longest first, so that a secret containing another is replaced whole.
    std::sort(spellings_.begin(), spellings_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

CENTRALI_DECL std::string Redactor::operator()(std::string text) const {
    static constexpr std::string_view replacement = "REDACTED";
    for (const std::string& secret : spellings_)
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + replacement.size()))
            text.replace(at, secret.size(), replacement);
    return text;
}

CENTRALI_DECL std::string Redactor::snippet(std::string_view body, std::size_t limit) const {
    std::size_t longest = 0;
    for (const auto& secret : spellings_) longest = (std::max)(longest, secret.size());
    return body_snippet((*this)(std::string(body.substr(0, limit + longest))), limit);
}

CENTRALI_DECL nlohmann::json Redactor::json(const nlohmann::json& value) const {
    if (spellings_.empty() || value.is_null()) return value;
    // Through the one parser: the redacted text of a valid document is a valid document.
    return parse_json_text((*this)(dump_json(value)));
}

CENTRALI_DECL std::string body_snippet(std::string_view body, std::size_t limit) {
    std::size_t end = (std::min)(limit, body.size());
    if (end < body.size())
        while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;  // a continuation byte
    std::string out(body.substr(0, end));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = '.';
    if (end < body.size()) out += "…";
    return out;
}

}  // namespace detail
CENTRALI_NAMESPACE_END
