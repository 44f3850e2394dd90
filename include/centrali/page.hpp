#pragma once
// One page of a list result, and a lazy range over all pages.

#include <centrali/detail/json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// The list `meta` object. Only `total` is evidenced for Centrali (sent when asked for with
/// include_total); page and page size are read when the server sends them.
struct PageMeta {
    std::optional<long long> total;      ///< `total`: the matching items of all pages, when sent
    std::optional<long long> page;       ///< `page`: this page's number (1-based), when sent
    std::optional<long long> page_size;  ///< `pageSize` (or `limit`, as the data routes name it): the page size, when sent
    nlohmann::json raw;  ///< the whole meta object, for members the SDK does not know
    bool sent = false;   ///< true when the body had a `meta` object (all else is empty when not)
};

/// Reads `total`, `page` and `pageSize` (each only when present and not null), keeps the
/// whole object in `raw` and sets `sent`. A member that is not a number, or is out of range,
/// throws DecodeError.
void from_json(const nlohmann::json& j, PageMeta& meta);

/// Paging for list calls, spelled the same for every list: `page` (from 1) and `page_size`.
/// Each manager sends them under its route's wire names (`page` and `limit` on most data
/// routes, `pageSize` on orchestrations, `limit`/`offset` for search). Unset is not sent (the
/// server's default); a value you set is sent as given.
struct ListOptions {
    std::optional<long long> page;       ///< the page number, from 1
    std::optional<long long> page_size;  ///< items per page
};

/// One page of a list call: the items of the response's `data` array (or of a bare array
/// body), in the server's order, and its `meta`. Iterable like its items.
template <class T>
struct Page {
    std::vector<T> items;  ///< this page's items; empty past the last page
    PageMeta meta;         ///< the body's `meta` object; all empty when the body has none
    nlohmann::json raw;  ///< the response body, without the items (they are in `items`)

    /// The first item.
    auto begin() const noexcept { return items.begin(); }
    /// Past the last item.
    auto end() const noexcept { return items.end(); }
    /// The number of items on this page (meta.total counts all pages).
    std::size_t size() const noexcept { return items.size(); }
    /// True when this page has no items.
    bool empty() const noexcept { return items.empty(); }
};

namespace detail {
/// Decodes a list body, in any shape locate_list() accepts, with T's decoder.
template <class T>
Page<T> decode_page(nlohmann::json body, const char* what) {
    Page<T> page;
    const ListBody list = locate_list(body, what);
    if (list.items != nullptr) {
        page.items.reserve(list.items->size());
        for (auto& item : *list.items) page.items.push_back(Decoder<T>::decode(std::move(item), what));
        *list.items = nlohmann::json::array();  // moved-from husks; raw keeps everything else
    }
    if (list.meta != nullptr) page.meta = decode_as<PageMeta>(*list.meta, "meta");
    page.raw = std::move(body);
    return page;
}
}  // namespace detail

/// Every item of every page, fetched one page at a time as iteration reaches it. A failed page
/// fetch throws from the increment (or begin()) that needed it; the range never ends silently
/// on an error. Iteration stops after an empty page, once `meta.total` is reached, or after a
/// short page: shorter than the size asked for, or than the smaller size the server states in
/// `meta.pageSize` (or `limit`); a server that caps the size silently, without `meta`, is
/// indistinguishable from one at its last page. A server that ignores paging ends it too: a
/// first page with more items than asked for is everything, and a later page numbered
/// otherwise than asked for, or starting with the item the previous page started with (items
/// with an `id`), repeats a page, and is dropped.
template <class T>
class PageRange {
public:
    /// Fetches page `page_number`; what it throws comes out of the iteration.
    using Fetch = std::function<Page<T>(long long page_number)>;

    /// A range that starts at `first_page` and asks `fetch` for each following page (number + 1)
    /// as iteration needs it. `page_size` is the size asked for, used only to recognise a short
    /// (last) page; 0 when unknown (then only an empty page or `meta.total` ends it). Nothing
    /// is fetched before begin().
    PageRange(Fetch fetch, long long first_page, long long page_size)
        : fetch_(std::move(fetch)), first_page_(first_page), page_size_(page_size) {}

    /// An input iterator over the items of every page. It refers to its range, which must
    /// outlive it; an item it returns stays valid only until the iterator moves to the next
    /// page. All iterators of one range compare equal until they reach the end.
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;  ///< single pass
        using value_type = T;                               ///< the item type
        using difference_type = std::ptrdiff_t;             ///< required by the iterator traits
        using pointer = const T*;                           ///< a pointer to an item
        using reference = const T&;                         ///< a reference to an item

        /// The end iterator.
        iterator() = default;
        /// The current item.
        reference operator*() const { return range_->current_.items[index_]; }
        /// The current item's members.
        pointer operator->() const { return &**this; }
        /// Moves to the next item, fetching the next page when this one is used up (and the
        /// range has not ended); throws what the fetch throws.
        iterator& operator++() {
            ++index_;
            ++range_->delivered_;
            if (index_ >= range_->current_.items.size()) {
                if (range_->last_page_) {
                    range_ = nullptr;
                } else {
                    range_->load(range_->page_number_ + 1);
                    index_ = 0;
                    if (range_->current_.items.empty()) range_ = nullptr;
                }
            }
            return *this;
        }
        /// Like ++it; returns nothing, as an input iterator may.
        void operator++(int) { ++*this; }
        /// True when both are the end, or both iterate the same range.
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.range_ == b.range_; }
        /// True when exactly one is the end, or they iterate different ranges.
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        friend class PageRange;
        explicit iterator(PageRange* range) : range_(range) {}
        PageRange* range_ = nullptr;
        std::size_t index_ = 0;
    };

    /// An input range: iterate it once (begin() again restarts at the current page). The first
    /// call fetches the first page, and throws what that fetch throws; returns end() when that
    /// page is empty.
    iterator begin() {
        if (!started_) {
            started_ = true;
            load(first_page_);
        }
        if (current_.items.empty()) return end();
        return iterator(this);
    }
    /// The end of the range.
    iterator end() noexcept { return iterator(); }

    /// How many pages have been requested so far.
    long long pages_fetched() const noexcept { return pages_fetched_; }

private:
    // The identity of a page's first item, for items that have one (an `id`), to recognise a
    // server that answers every page number with the same page.
    template <class U, class = void>
    struct HasId : std::false_type {};
    template <class U>
    struct HasId<U, std::void_t<decltype(std::declval<const U&>().id == std::string())>> : std::true_type {};
    std::string first_id() const {
        if constexpr (HasId<T>::value) {
            if (!current_.items.empty()) return std::string(current_.items.front().id);
        }
        return {};
    }
    bool same_first_item(const std::string& previous) const { return !previous.empty() && first_id() == previous; }

    void load(long long page_number) {
        const std::string previous_first = first_id();
        current_ = fetch_(page_number);
        page_number_ = page_number;
        ++pages_fetched_;
        const PageMeta& meta = current_.meta;
        const long long count = static_cast<long long>(current_.items.size());
        // A server may cap the page size below the one asked for; when it says so, a page is
        // short against its size, or a capped page would end the range early and lose items.
        // (The smaller of the two: a server stating its maximum above the size asked for still
        // sent a full page when it sent what was asked.)
        long long size = page_size_;
        if (meta.page_size && *meta.page_size > 0) size = size > 0 ? (std::min)(size, *meta.page_size) : *meta.page_size;
        const bool short_page = size > 0 && count < size;
        const bool total_reached = meta.total && delivered_ + count >= *meta.total;
        // A server that ignores paging answers every page with the same items. After the
        // first page, a page numbered otherwise than asked for, or starting with the item the
        // previous page started with, is that repetition: it is dropped and ends the range. A
        // first page longer than asked for is everything at once: delivered, and the end.
        const bool repeated = page_number != first_page_ &&
                              ((meta.page && *meta.page != page_number) || same_first_item(previous_first));
        if (repeated) current_.items.clear();
        const bool everything_at_once = page_size_ > 0 && count > page_size_ && !meta.page_size;
        last_page_ = repeated || count == 0 || short_page || total_reached || everything_at_once;
    }

    Fetch fetch_;
    long long first_page_;
    long long page_size_;
    Page<T> current_;
    long long page_number_ = 0;
    long long pages_fetched_ = 0;
    long long delivered_ = 0;
    bool last_page_ = false;
    bool started_ = false;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/page.ipp>
#endif
