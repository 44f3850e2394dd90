// Centrali emulator: admin managers (see admin_routes.hpp).
#include "admin_routes.hpp"
#include "iso_time.hpp"
#include "json_text.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <set>
#include <utility>

namespace centrali_emulator {

using json = nlohmann::json;

namespace {

// ============================================================================
// Small helpers
// ============================================================================
constexpr std::size_t kMaxPageSize = 500;
constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxBodyNesting = 64;

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    default: return status >= 500 ? "Server Error" : (status >= 400 ? "Client Error" : "OK");
  }
}

// Deepest [ / { nesting of a JSON text, strings skipped. Bounds the recursion of every walker
// below (and of json::dump) for request bodies.
std::size_t max_nesting(const std::string& text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return deepest;
}

// An empty (all-whitespace) body is {}; invalid JSON or a too deeply nested one is nullopt.
std::optional<json> parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  if (max_nesting(body) > kMaxBodyNesting) return std::nullopt;
  return parse_json(body);
}

const std::string* query_get(const std::multimap<std::string, std::string>& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? nullptr : &it->second;
}

// A decimal integer in [min, max] (digits only; at most 15 of them).
std::optional<long long> parse_int(const std::string& s, long long min, long long max) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool is_string(const json& j, const char* key) { return j.contains(key) && j.at(key).is_string(); }

std::string str_member(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Present and neither null nor absent.
const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

bool valid_slug(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// A host name: dot-separated labels of letters, digits and hyphens (1-63 chars, no leading or
// trailing hyphen), at most 253 chars in all. No scheme, port, path or wildcard.
bool valid_host(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = host.find('.', start);
    std::string label = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

bool valid_folder_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  for (char c : name)
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

// "/root" or "/root/a/b" (one trailing slash tolerated); nullopt if malformed.
std::optional<std::string> normalize_folder_path(std::string path) {
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/root") return path;
  if (path.rfind("/root/", 0) != 0) return std::nullopt;
  std::size_t start = 6;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string seg = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!valid_folder_name(seg)) return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return path;
}

// ============================================================================
// Query evaluation (smart queries)
// ============================================================================
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

const json* walk(const json& root, const std::vector<std::string>& segs, std::size_t from) {
  const json* cur = &root;
  for (std::size_t i = from; i < segs.size(); ++i) {
    if (cur->is_object()) {
      auto it = cur->find(segs[i]);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      auto idx = parse_int(segs[i], 0, 1000000000);
      if (!idx || static_cast<std::size_t>(*idx) >= cur->size()) return nullptr;
      cur = &(*cur)[static_cast<std::size_t>(*idx)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

// Resolves `path` against a record: first as given ("data.total", "status"); if its first
// segment is not a member of the record, against the record's data ("total" = "data.total").
// `actual` receives the segments actually walked (for select).
const json* resolve(const json& record, const std::string& path, std::vector<std::string>* actual = nullptr) {
  std::vector<std::string> segs = split_path(path);
  if (record.is_object() && !record.contains(segs.front())) {
    auto data = record.find("data");
    if (data != record.end() && data->is_object()) segs.insert(segs.begin(), "data");
  }
  if (actual) *actual = segs;
  return walk(record, segs, 0);
}

int type_rank(const json& v) {
  if (v.is_null()) return 0;
  if (v.is_boolean()) return 1;
  if (v.is_number()) return 2;
  if (v.is_string()) return 3;
  if (v.is_array()) return 4;
  return 5;
}

// A total order over JSON values for sorting: by type rank, then by value.
bool value_less(const json& a, const json& b) {
  const int ra = type_rank(a), rb = type_rank(b);
  if (ra != rb) return ra < rb;
  return a < b;
}

// $gt and friends: numbers with numbers, strings with strings; anything else never matches.
std::optional<int> compare_ordered(const json& a, const json& b) {
  if ((a.is_number() && b.is_number()) || (a.is_string() && b.is_string())) {
    if (a < b) return -1;
    if (b < a) return 1;
    return 0;
  }
  return std::nullopt;
}

struct QueryError {
  std::string code;  // VALIDATION_ERROR or MISSING_VARIABLE
  std::string field;
  std::string message;
};

bool contains_ci(const std::string& hay, const std::string& needle) {
  return lower(hay).find(lower(needle)) != std::string::npos;
}

// One condition on one path: {"$op": value, ...} or a bare value ($eq).
bool eval_condition(const json* field, const json& cond, const std::string& where_path,
                    std::optional<QueryError>& error) {
  static const json null_value;
  const json& v = field ? *field : null_value;
  bool is_ops = cond.is_object() && !cond.empty();
  if (is_ops)
    for (const auto& item : cond.items())
      if (item.key().empty() || item.key()[0] != '$') is_ops = false;
  if (!is_ops) return v == cond;
  for (const auto& item : cond.items()) {
    const std::string& op = item.key();
    const json& arg = item.value();
    bool ok = false;
    if (op == "$eq") {
      ok = v == arg;
    } else if (op == "$ne") {
      ok = v != arg;
    } else if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
      auto c = compare_ordered(v, arg);
      if (c) {
        if (op == "$gt") ok = *c > 0;
        else if (op == "$gte") ok = *c >= 0;
        else if (op == "$lt") ok = *c < 0;
        else ok = *c <= 0;
      }
    } else if (op == "$in") {
      if (!arg.is_array()) {
        error = QueryError{"VALIDATION_ERROR", "query.where." + where_path, "$in needs an array"};
        return false;
      }
      ok = std::any_of(arg.begin(), arg.end(), [&](const json& x) { return x == v; });
    } else if (op == "$contains") {
      if (v.is_string() && arg.is_string()) ok = contains_ci(v.get<std::string>(), arg.get<std::string>());
      else if (v.is_array()) ok = std::any_of(v.begin(), v.end(), [&](const json& x) { return x == arg; });
    } else {
      error = QueryError{"VALIDATION_ERROR", "query.where." + where_path, "unknown operator " + op};
      return false;
    }
    if (!ok) return false;
  }
  return true;
}

bool eval_where(const json& record, const json& where, std::optional<QueryError>& error, int depth = 0) {
  if (depth > 32) {
    error = QueryError{"VALIDATION_ERROR", "query.where", "where is nested too deeply"};
    return false;
  }
  for (const auto& item : where.items()) {
    const std::string& key = item.key();
    if (key == "$and" || key == "$or") {
      if (!item.value().is_array()) {
        error = QueryError{"VALIDATION_ERROR", "query.where." + key, key + " needs an array of conditions"};
        return false;
      }
      bool any = false, all = true;
      for (const auto& sub : item.value()) {
        if (!sub.is_object()) {
          error = QueryError{"VALIDATION_ERROR", "query.where." + key, key + " needs an array of objects"};
          return false;
        }
        const bool r = eval_where(record, sub, error, depth + 1);
        if (error) return false;
        any = any || r;
        all = all && r;
      }
      if (key == "$and" ? !all : !any) return false;
      continue;
    }
    if (key.empty()) {
      error = QueryError{"VALIDATION_ERROR", "query.where", "empty field path"};
      return false;
    }
    const bool r = eval_condition(resolve(record, key), item.value(), key, error);
    if (error || !r) return false;
  }
  return true;
}

// Replaces {{name}} in every string value of `node`. A string that is exactly "{{name}}" takes
// the variable's JSON value; elsewhere the variable is spliced in as text.
void substitute(json& node, const json& vars, std::optional<QueryError>& error) {
  if (error) return;
  if (node.is_object() || node.is_array()) {
    for (auto& child : node) substitute(child, vars, error);
    return;
  }
  if (!node.is_string()) return;
  const std::string s = node.get<std::string>();
  if (s.find("{{") == std::string::npos) return;
  auto trim = [](std::string t) {
    const auto b = t.find_first_not_of(" \t");
    if (b == std::string::npos) return std::string();
    return t.substr(b, t.find_last_not_of(" \t") - b + 1);
  };
  auto lookup = [&](const std::string& name) -> const json* {
    const json* v = vars.is_object() && vars.contains(name) ? &vars.at(name) : nullptr;
    if (!v) error = QueryError{"MISSING_VARIABLE", "variables." + name, "missing variable '" + name + "'"};
    return v;
  };
  // Whole-string variable: keeps the JSON type.
  if (s.size() >= 4 && s.compare(0, 2, "{{") == 0 && s.compare(s.size() - 2, 2, "}}") == 0 &&
      s.find("{{", 2) == std::string::npos && s.find("}}") == s.size() - 2) {
    const std::string name = trim(s.substr(2, s.size() - 4));
    if (!name.empty()) {
      if (const json* v = lookup(name)) node = *v;
      return;
    }
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t open = s.find("{{", pos);
    if (open == std::string::npos) break;
    const std::size_t close = s.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string name = trim(s.substr(open + 2, close - open - 2));
    out.append(s, pos, open - pos);
    if (name.empty()) {
      out.append(s, open, close + 2 - open);
    } else {
      const json* v = lookup(name);
      if (!v) return;
      out += v->is_string() ? v->get<std::string>() : dump(*v);
    }
    pos = close + 2;
  }
  out.append(s, std::min(pos, s.size()), std::string::npos);
  node = out;
}

void set_path(json& out, const std::vector<std::string>& segs, const json& value) {
  json* cur = &out;
  for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
    json& next = (*cur)[segs[i]];
    if (!next.is_object()) next = json::object();
    cur = &next;
  }
  (*cur)[segs.back()] = value;
}

// Runs a (substituted) smart-query definition over `records`. Reply payload: rows + total
// (matches before skip/limit).
std::optional<QueryError> run_query(const json& query, std::vector<json> records, std::vector<json>& rows,
                                    std::size_t& total) {
  std::optional<QueryError> error;
  if (!query.is_object()) return QueryError{"VALIDATION_ERROR", "query", "query must be an object"};
  // where
  if (const json* where = member(query, "where")) {
    if (!where->is_object()) return QueryError{"VALIDATION_ERROR", "query.where", "where must be an object"};
    std::vector<json> kept;
    for (auto& r : records) {
      if (eval_where(r, *where, error)) kept.push_back(std::move(r));
      if (error) return error;
    }
    records.swap(kept);
  }
  // sort
  if (const json* sort = member(query, "sort")) {
    json list = sort->is_object() ? json::array({*sort}) : *sort;
    if (!list.is_array()) return QueryError{"VALIDATION_ERROR", "query.sort", "sort must be an array of {field, direction}"};
    std::vector<std::pair<std::string, bool>> keys;  // field, descending
    for (const auto& k : list) {
      if (!k.is_object() || !is_string(k, "field") || k.at("field").get<std::string>().empty())
        return QueryError{"VALIDATION_ERROR", "query.sort", "each sort entry needs a field"};
      std::string dir = "asc";
      if (const json* d = member(k, "direction")) {
        if (!d->is_string()) return QueryError{"VALIDATION_ERROR", "query.sort", "direction must be asc or desc"};
        dir = lower(d->get<std::string>());
      }
      if (dir != "asc" && dir != "desc") return QueryError{"VALIDATION_ERROR", "query.sort", "direction must be asc or desc"};
      keys.emplace_back(k.at("field").get<std::string>(), dir == "desc");
    }
    static const json null_value;
    std::stable_sort(records.begin(), records.end(), [&](const json& a, const json& b) {
      for (const auto& [field, desc] : keys) {
        const json* va = resolve(a, field);
        const json* vb = resolve(b, field);
        const json& x = va ? *va : null_value;
        const json& y = vb ? *vb : null_value;
        if (value_less(x, y)) return !desc;
        if (value_less(y, x)) return desc;
      }
      return false;
    });
  }
  total = records.size();
  auto count = [&](const char* key, long long min, std::size_t& out) -> std::optional<QueryError> {
    const json* v = member(query, key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer() || v->get<long long>() < min || v->get<long long>() > 1000000000LL)
      return QueryError{"VALIDATION_ERROR", std::string("query.") + key,
                        std::string(key) + " must be an integer " + (min > 0 ? "> 0" : ">= 0")};
    out = static_cast<std::size_t>(v->get<long long>());
    return std::nullopt;
  };
  std::size_t skip = 0, limit = records.size();
  if (auto e = count("skip", 0, skip)) return e;
  if (auto e = count("offset", 0, skip)) return e;  // alias
  if (auto e = count("limit", 1, limit)) return e;
  // select
  std::vector<std::string> select;
  if (const json* sel = member(query, "select")) {
    if (!sel->is_array()) return QueryError{"VALIDATION_ERROR", "query.select", "select must be an array of paths"};
    for (const auto& p : *sel) {
      if (!p.is_string() || p.get<std::string>().empty())
        return QueryError{"VALIDATION_ERROR", "query.select", "select must be an array of paths"};
      select.push_back(p.get<std::string>());
    }
  }
  for (std::size_t i = skip; i < records.size() && rows.size() < limit; ++i) {
    if (select.empty()) {
      rows.push_back(std::move(records[i]));
      continue;
    }
    json row = json::object();
    for (const char* keep : {"id", "recordSlug"})
      if (records[i].is_object() && records[i].contains(keep)) row[keep] = records[i].at(keep);
    for (const auto& path : select) {
      std::vector<std::string> segs;
      if (const json* v = resolve(records[i], path, &segs)) set_path(row, segs, *v);
    }
    rows.push_back(std::move(row));
  }
  return std::nullopt;
}

// ============================================================================
// Search helpers
// ============================================================================
bool any_string_matches(const json& node, const std::string& needle_lower) {
  if (node.is_string()) return lower(node.get<std::string>()).find(needle_lower) != std::string::npos;
  if (node.is_object() || node.is_array())
    for (const auto& child : node)
      if (any_string_matches(child, needle_lower)) return true;
  return false;
}

json highlight(const json& node, const std::string& needle_lower) {
  if (node.is_string()) {
    const std::string s = node.get<std::string>();
    const std::string ls = lower(s);
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const std::size_t at = ls.find(needle_lower, pos);
      if (at == std::string::npos) break;
      out.append(s, pos, at - pos);
      out += "<em>";
      out.append(s, at, needle_lower.size());
      out += "</em>";
      pos = at + needle_lower.size();
    }
    out.append(s, pos, std::string::npos);
    return out;
  }
  if (node.is_object()) {
    json out = json::object();
    for (const auto& item : node.items()) out[item.key()] = highlight(item.value(), needle_lower);
    return out;
  }
  if (node.is_array()) {
    json out = json::array();
    for (const auto& child : node) out.push_back(highlight(child, needle_lower));
    return out;
  }
  return node;
}

// Flattens a record's data into (dotted field path, leaf value) pairs; arrays are leaves.
void flatten(const json& node, const std::string& prefix, std::vector<std::pair<std::string, const json*>>& out,
             int depth = 0) {
  if (node.is_object() && depth < 16) {
    for (const auto& item : node.items())
      flatten(item.value(), prefix.empty() ? item.key() : prefix + "." + item.key(), out, depth + 1);
  } else if (!prefix.empty()) {
    out.emplace_back(prefix, &node);
  }
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

// ============================================================================
// Handlers
// ============================================================================
struct AdminRoutes::Impl {
  AdminRoutes& self;
  const AdminRequest& rq;
  std::vector<json> records;  // prefetched (outside the lock) for the routes that read records

  // ---- replies ------------------------------------------------------------------
  static AdminReply reply(int status, const json& body) {
    AdminReply r;
    r.status = status;
    r.body = dump(body);
    return r;
  }
  static AdminReply data(const json& payload, int status = 200) { return reply(status, {{"data", payload}}); }
  static AdminReply no_content() {
    AdminReply r;
    r.status = 204;
    return r;
  }
  AdminReply error(int status, const std::string& code, const std::string& message, const json& details = json()) const {
    json body = {{"error", reason_phrase(status)}, {"message", message}, {"code", code}, {"requestId", rq.request_id}};
    if (!details.is_null()) body["details"] = details;
    return reply(status, body);
  }
  AdminReply invalid(const std::string& field, const std::string& message) const {
    return error(400, "VALIDATION_ERROR", message, json::array({{{"field", field}, {"message", message}}}));
  }
  AdminReply invalid(const json& errors) const {
    return error(400, "VALIDATION_ERROR", errors.at(0).at("message").get<std::string>(), errors);
  }
  AdminReply query_error(const QueryError& e) const {
    return error(400, e.code, e.message, json::array({{{"field", e.field}, {"message", e.message}}}));
  }
  AdminReply not_allowed(const std::set<std::string>& allowed) const {
    std::string list;
    for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
    return error(405, "METHOD_NOT_ALLOWED", "Method " + rq.method + " is not allowed here (allowed: " + list + ")");
  }

  // Parses the JSON body; on failure `out` holds the 400 reply.
  std::optional<json> body_object(std::optional<AdminReply>& out) const {
    auto j = parse_body(rq.body);
    if (!j) {
      out = invalid("body", "request body is not valid JSON");
      return std::nullopt;
    }
    if (!j->is_object()) {
      out = invalid("body", "request body must be a JSON object");
      return std::nullopt;
    }
    return j;
  }

  // page/limit from the query: defaults 1/50, limit 1..500.
  struct Paging {
    std::size_t page = 1, limit = kDefaultPageSize;
  };
  std::optional<Paging> paging(std::optional<AdminReply>& out) const {
    Paging p;
    if (const std::string* v = query_get(rq.query, "page")) {
      auto n = parse_int(*v, 1, 1000000000LL);
      if (!n) {
        out = invalid("page", "page must be a positive integer");
        return std::nullopt;
      }
      p.page = static_cast<std::size_t>(*n);
    }
    if (const std::string* v = query_get(rq.query, "limit")) {
      auto n = parse_int(*v, 1, static_cast<long long>(kMaxPageSize));
      if (!n) {
        out = invalid("limit", "limit must be an integer between 1 and 500");
        return std::nullopt;
      }
      p.limit = static_cast<std::size_t>(*n);
    }
    return p;
  }

  AdminReply list(const std::vector<const json*>& items) const {
    std::optional<AdminReply> out;
    auto p = paging(out);
    if (!p) return *out;
    json page = json::array();
    const std::size_t start = (p->page - 1) * p->limit;  // ≤ 5e11: no overflow
    for (std::size_t i = start; i < items.size() && page.size() < p->limit; ++i) page.push_back(*items[i]);
    return reply(200, {{"data", page}, {"meta", {{"total", items.size()}, {"page", p->page}, {"limit", p->limit}}}});
  }

  std::string uuid4() {
    std::uint64_t a = self.rng_(), b = self.rng_();
    a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                  static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
  }
  std::string random_hex(int n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < n; ++i) out += digits[self.rng_() & 0xF];
    return out;
  }

  static json* find_by_id(std::vector<json>& items, const std::string& id) {
    for (auto& j : items)
      if (str_member(j, "id") == id) return &j;
    return nullptr;
  }

  // ---- routing ------------------------------------------------------------------
  struct Router {
    const std::string& method;
    std::set<std::string> allowed;
    bool on(const char* m) {
      allowed.insert(m);
      return method == m;
    }
  };

  std::optional<AdminReply> dispatch() {
    const auto& s = rq.segments;
    const std::size_t n = s.size();
    Router r{rq.method, {}};
    if (n == 0) return std::nullopt;
    if (rq.service == "search") {
      if (n == 1 && s[0] == "search" && r.on("GET")) return search();
    } else if (rq.service == "storage") {
      if (n == 1 && s[0] == "upload" && r.on("POST")) return upload();
      if (n == 1 && s[0] == "folders") {
        if (r.on("GET")) return list_folders();
        if (r.on("POST")) return create_folder(nullptr);
      }
      if (n == 3 && s[0] == "folders" && s[2] == "sub-folders" && r.on("POST")) return create_subfolder(s[1]);
    } else if (rq.service == "data") {
      if (s[0] == "structures" || s[0] == "collections") {
        if (n == 1) {
          if (r.on("GET")) return list_collections();
          if (r.on("POST")) return create_collection(false);
        } else if (n == 2 && s[1] == "validate") {
          if (r.on("POST")) return create_collection(true);
        } else if (n == 2 && s[1] == "bulk") {
          if (r.on("POST")) return bulk_create_collections(s[0]);
          if (r.on("DELETE")) return bulk_delete_collections();
        } else if (n == 2) {
          if (r.on("GET")) return get_collection(s[1]);
          if (r.on("PUT")) return update_collection(s[1]);
          if (r.on("DELETE")) return delete_collection(s[1]);
        } else if (n == 3) {
          if (s[1] == "slug" && r.on("GET")) return get_collection_by_slug(s[2]);
          if (s[2] == "restore" && r.on("POST")) return restore_collection(s[1]);
          if (s[2] == "properties" && r.on("DELETE")) return delete_properties(s[1]);
        }
      } else if (s[0] == "smart-queries") {
        if (n == 1) {
          if (r.on("GET")) return list_smart_queries(nullptr);
        } else if (n >= 3 && s[1] == "slug") {
          const std::string& slug = s[2];
          if (n == 3) {
            if (r.on("GET")) return list_smart_queries(&slug);
            if (r.on("POST")) return create_smart_query(slug);
          } else if (n == 4 && s[3] == "test") {
            if (r.on("POST")) return run_smart_query(slug, nullptr);
          } else if (n == 4) {
            if (r.on("GET")) return get_smart_query(slug, s[3]);
            if (r.on("PUT")) return update_smart_query(slug, s[3]);
            if (r.on("DELETE")) return delete_smart_query(slug, s[3]);
          } else if (n == 5 && s[3] == "execute") {
            if (r.on("POST")) return run_smart_query(slug, &s[4]);
          }
        }
      } else if (s[0] == "validation") {
        if (n == 2 && s[1] == "scan" && r.on("POST")) return scan();
        if (n == 3 && s[1] == "config") {
          if (r.on("GET")) return get_config(self.validation_configs_, s[2], default_validation_config);
          if (r.on("PUT")) return update_config(self.validation_configs_, s[2], default_validation_config,
                                                check_validation_config);
        }
        if (n >= 2 && s[1] == "suggestions") {
          if (n == 2 && r.on("GET")) return list_suggestions();
          if (n == 3 && r.on("GET")) return get_suggestion(s[2]);
          if (n == 4 && (s[3] == "accept" || s[3] == "reject") && r.on("POST"))
            return decide_suggestion(s[2], s[3] == "accept" ? "accepted" : "rejected");
        }
      } else if (s[0] == "anomaly-insights") {
        if (n == 1) {
          if (r.on("GET")) return list_insights();
        } else if (n == 2 && s[1] == "analyze") {
          if (r.on("POST")) return analyze();
        } else if (n == 2 && s[1] == "summary") {
          if (r.on("GET")) return summary();
        } else if (n == 2) {
          if (r.on("GET")) return get_insight(s[1]);
        } else if (n == 3 && s[1] == "config") {  // before acknowledge/dismiss: insight ids are UUIDs
          if (r.on("GET")) return get_config(self.insight_configs_, s[2], default_insight_config);
          if (r.on("PUT")) return update_config(self.insight_configs_, s[2], default_insight_config,
                                                check_insight_config);
        } else if (n == 3 && (s[2] == "acknowledge" || s[2] == "dismiss")) {
          if (r.on("POST")) return set_insight_status(s[1], s[2] == "acknowledge" ? "acknowledged" : "dismissed");
        }
      } else if (s[0] == "allowed-domains") {
        if (n == 1) {
          if (r.on("GET")) return list_domains();
          if (r.on("POST")) return add_domain();
        } else if (n == 2) {
          if (r.on("DELETE")) return remove_domain(s[1]);
        }
      }
    }
    if (!r.allowed.empty()) return not_allowed(r.allowed);
    return std::nullopt;
  }

  // ==== structures / collections ==================================================
  static bool live(const json& c) { return str_member(c, "status") != "deleted"; }

  json* find_collection(const std::string& id) {
    json* c = find_by_id(self.collections_, id);
    return c && live(*c) ? c : nullptr;
  }
  json* collection_by_slug(const std::string& slug, const json* except = nullptr) {
    for (auto& c : self.collections_)
      if (&c != except && live(c) && str_member(c, "recordSlug") == slug) return &c;
    return nullptr;
  }

  // Checks a definition; `partial`: only the members present (update).
  static void check_definition(const json& body, bool partial, json& errors) {
    auto add = [&](const std::string& field, const std::string& message) {
      errors.push_back({{"field", field}, {"message", message}});
    };
    auto optional_type = [&](const json& obj, const char* key, const std::string& field, bool want_string) {
      const json* v = member(obj, key);
      if (v && (want_string ? !v->is_string() : !v->is_boolean()))
        add(field, field + (want_string ? " must be a string" : " must be a boolean"));
    };
    if (!partial || body.contains("name")) {
      const json* name = member(body, "name");
      if (!name || !name->is_string() || name->get<std::string>().empty()) add("name", "name is required");
    }
    if (!partial) {
      const json* slug = member(body, "recordSlug");
      if (!slug || !slug->is_string() || slug->get<std::string>().empty())
        add("recordSlug", "recordSlug is required");
      else if (!valid_slug(slug->get<std::string>()))
        add("recordSlug", "recordSlug may contain only lowercase letters, digits and hyphens");
    }
    optional_type(body, "description", "description", true);
    optional_type(body, "defaultSearchField", "defaultSearchField", true);
    optional_type(body, "enableVersioning", "enableVersioning", false);
    if (const json* mode = member(body, "schemaDiscoveryMode")) {
      const std::string m = mode->is_string() ? mode->get<std::string>() : "";
      if (m != "strict" && m != "auto-evolving" && m != "schemaless")
        add("schemaDiscoveryMode", "schemaDiscoveryMode must be strict, auto-evolving or schemaless");
    }
    if (const json* props = member(body, "properties")) {
      if (!props->is_array()) {
        add("properties", "properties must be an array");
        return;
      }
      static const std::set<std::string> types = {"string", "number", "boolean", "datetime",
                                                  "array",  "object", "reference"};
      std::set<std::string> names;
      for (std::size_t i = 0; i < props->size(); ++i) {
        const json& p = (*props)[i];
        const std::string at = "properties[" + std::to_string(i) + "]";
        if (!p.is_object()) {
          add(at, at + " must be an object");
          continue;
        }
        const std::string name = str_member(p, "name");
        if (name.empty()) add(at + ".name", at + ".name is required");
        else if (!names.insert(name).second) add(at + ".name", "duplicate property name '" + name + "'");
        const std::string type = str_member(p, "type");
        if (!types.count(type))
          add(at + ".type", at + ".type must be one of string, number, boolean, datetime, array, object, reference");
        optional_type(p, "description", at + ".description", true);
        optional_type(p, "relationship", at + ".relationship", true);
        for (const char* flag : {"required", "isUnique", "nullable", "immutable"})
          optional_type(p, flag, at + "." + flag, false);
        if (const json* e = member(p, "enum"); e && !e->is_array()) add(at + ".enum", at + ".enum must be an array");
        if (type == "reference") {
          const json* target = member(p, "target");
          if (!target || !target->is_string() || target->get<std::string>().empty())
            add(at + ".target", "reference property '" + name + "' needs a target collection");
        } else if (const json* target = member(p, "target"); target && !target->is_string()) {
          add(at + ".target", at + ".target must be a string");
        }
      }
    }
  }

  AdminReply list_collections() {
    std::vector<const json*> items;
    for (const auto& c : self.collections_)
      if (live(c)) items.push_back(&c);
    return list(items);
  }

  AdminReply create_collection(bool validate_only) {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json errors = json::array();
    check_definition(*body, false, errors);
    const std::string slug = str_member(*body, "recordSlug");
    const bool taken = errors.empty() && collection_by_slug(slug);
    if (validate_only) {
      if (taken) errors.push_back({{"field", "recordSlug"}, {"message", "recordSlug '" + slug + "' is already taken"}});
      return data({{"valid", errors.empty()}, {"errors", errors}});
    }
    if (!errors.empty()) return invalid(errors);
    if (taken) return error(409, "COLLECTION_SLUG_TAKEN", "recordSlug '" + slug + "' is already taken");
    json c = make_collection(*body);
    self.collections_.push_back(c);
    return data(c, 201);
  }

  // A new collection from a definition check_definition accepted.
  json make_collection(const json& body) {
    const std::string now = iso_now();
    auto text_or = [&](const char* key, json fallback) {
      const json* v = member(body, key);
      return v ? *v : fallback;
    };
    return {{"id", uuid4()},
            {"workspaceSlug", rq.workspace},
            {"recordSlug", str_member(body, "recordSlug")},
            {"name", body.at("name")},
            {"description", text_or("description", "")},
            {"properties", text_or("properties", json::array())},
            {"status", "active"},
            {"schemaDiscoveryMode", text_or("schemaDiscoveryMode", "strict")},
            {"defaultSearchField", text_or("defaultSearchField", nullptr)},
            {"enableVersioning", text_or("enableVersioning", false)},
            {"createdAt", now},
            {"updatedAt", now}};
  }

  // A non-empty array of non-empty strings under `key`, or the 400 in `out`.
  std::optional<std::vector<std::string>> name_list(const json& body, const char* key,
                                                    std::optional<AdminReply>& out) const {
    const json* list = member(body, key);
    if (!list || !list->is_array() || list->empty()) {
      out = invalid(key, std::string(key) + " must be a non-empty array of strings");
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& v = (*list)[i];
      if (!v.is_string() || v.get<std::string>().empty()) {
        const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
        out = invalid(at, at + " must be a non-empty string");
        return std::nullopt;
      }
      names.push_back(v.get<std::string>());
    }
    return names;
  }

  // All or none: one refused definition, or one slug taken, creates nothing.
  AdminReply bulk_create_collections(const std::string& key) {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    const json* items = member(*body, key.c_str());
    if (!items || !items->is_array() || items->empty())
      return invalid(key, key + " must be a non-empty array of definitions");
    json errors = json::array();
    std::set<std::string> slugs;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string at = key + "[" + std::to_string(i) + "]";
      const json& item = (*items)[i];
      if (!item.is_object()) {
        errors.push_back({{"field", at}, {"message", at + " must be an object"}});
        continue;
      }
      json item_errors = json::array();
      check_definition(item, false, item_errors);
      for (auto& e : item_errors) {
        e["field"] = at + "." + e["field"].get<std::string>();
        errors.push_back(std::move(e));
      }
      const std::string slug = str_member(item, "recordSlug");
      if (item_errors.empty() && !slugs.insert(slug).second)
        errors.push_back({{"field", at + ".recordSlug"}, {"message", "recordSlug '" + slug + "' appears twice"}});
    }
    if (!errors.empty()) return invalid(errors);
    for (const auto& slug : slugs)
      if (collection_by_slug(slug)) return error(409, "COLLECTION_SLUG_TAKEN", "recordSlug '" + slug + "' is already taken");
    json created = json::array();
    for (const auto& item : *items) {
      self.collections_.push_back(make_collection(item));
      created.push_back(self.collections_.back());
    }
    return data(created, 201);
  }

  // All or none: one unknown id deletes nothing.
  AdminReply bulk_delete_collections() {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    auto ids = name_list(*body, "ids", out);
    if (!ids) return *out;
    std::vector<json*> found;
    for (const auto& id : *ids) {
      json* c = find_collection(id);
      if (!c) return collection_not_found(id);
      found.push_back(c);
    }
    const std::string now = iso_now();
    for (json* c : found) {
      (*c)["status"] = "deleted";
      (*c)["updatedAt"] = now;
    }
    return no_content();
  }

  // All or none: a name the collection has no property for removes nothing.
  AdminReply delete_properties(const std::string& id) {
    json* c = find_collection(id);
    if (!c) return collection_not_found(id);
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    auto names = name_list(*body, "propertyNames", out);
    if (!names) return *out;
    json& props = (*c)["properties"];
    if (!props.is_array()) props = json::array();
    for (std::size_t i = 0; i < names->size(); ++i) {
      const std::string& name = (*names)[i];
      const bool known = std::any_of(props.begin(), props.end(), [&](const json& p) { return str_member(p, "name") == name; });
      if (!known)
        return invalid("propertyNames[" + std::to_string(i) + "]", "collection '" + id + "' has no property '" + name + "'");
    }
    const std::set<std::string> doomed(names->begin(), names->end());
    json kept = json::array();
    for (auto& p : props)
      if (!doomed.count(str_member(p, "name"))) kept.push_back(std::move(p));
    props = std::move(kept);
    if (doomed.count(str_member(*c, "defaultSearchField"))) (*c)["defaultSearchField"] = nullptr;
    (*c)["updatedAt"] = iso_now();
    return data(*c);
  }

  // ==== per-collection settings (AI validation, anomaly insights) ==================
  using ConfigDefaults = json (*)(const std::string& slug);
  using ConfigCheck = void (*)(const json& body, json& errors);

  static json default_validation_config(const std::string& slug) {
    return {{"recordSlug", slug},
            {"enabled", false},
            {"mode", "advisory"},
            {"confidenceThreshold", 90},
            {"issueTypes", {"format", "typo", "duplicate", "semantic"}},
            {"updatedAt", nullptr}};
  }
  static json default_insight_config(const std::string& slug) {
    return {{"recordSlug", slug}, {"schedule", "daily"}, {"sensitivity", "medium"}, {"updatedAt", nullptr}};
  }

  // `key`, when present, must be one of `allowed`.
  static void check_one_of(const json& body, const char* key, const std::set<std::string>& allowed, json& errors) {
    const json* v = member(body, key);
    if (!v) return;
    if (v->is_string() && allowed.count(v->get<std::string>())) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    errors.push_back({{"field", key}, {"message", std::string(key) + " must be one of " + list}});
  }

  static void check_validation_config(const json& body, json& errors) {
    static const std::set<std::string> types = {"format", "typo", "duplicate", "semantic"};
    if (const json* v = member(body, "enabled"); v && !v->is_boolean())
      errors.push_back({{"field", "enabled"}, {"message", "enabled must be a boolean"}});
    check_one_of(body, "mode", {"advisory", "auto-correct"}, errors);
    if (const json* v = member(body, "confidenceThreshold")) {
      const bool in_range = v->is_number() && std::isfinite(v->get<double>()) && v->get<double>() >= 70 &&
                            v->get<double>() <= 100;
      if (!in_range)
        errors.push_back({{"field", "confidenceThreshold"}, {"message", "confidenceThreshold must be a number from 70 to 100"}});
    }
    if (const json* v = member(body, "issueTypes")) {
      const bool ok = v->is_array() && !v->empty() && std::all_of(v->begin(), v->end(), [](const json& t) {
        return t.is_string() && types.count(t.get<std::string>());
      });
      if (!ok)
        errors.push_back({{"field", "issueTypes"},
                          {"message", "issueTypes must be a non-empty array of format, typo, duplicate, semantic"}});
    }
  }
  static void check_insight_config(const json& body, json& errors) {
    check_one_of(body, "schedule", {"hourly", "daily", "weekly", "on-demand"}, errors);
    check_one_of(body, "sensitivity", {"low", "medium", "high"}, errors);
  }

  AdminReply get_config(const std::map<std::string, json>& configs, const std::string& slug, ConfigDefaults defaults) {
    if (!collection_by_slug(slug)) return collection_not_found(slug);
    const auto it = configs.find(slug);
    return data(it != configs.end() ? it->second : defaults(slug));
  }

  // Merges the members sent (null ones are ignored) into the stored settings.
  AdminReply update_config(std::map<std::string, json>& configs, const std::string& slug, ConfigDefaults defaults,
                           ConfigCheck check) {
    if (!collection_by_slug(slug)) return collection_not_found(slug);
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json errors = json::array();
    check(*body, errors);
    if (!errors.empty()) return invalid(errors);
    json config = configs.count(slug) ? configs.at(slug) : defaults(slug);
    for (const auto& item : body->items())
      if (config.contains(item.key()) && item.key() != "recordSlug" && item.key() != "updatedAt" && !item.value().is_null())
        config[item.key()] = item.value();
    config["updatedAt"] = iso_now();
    configs[slug] = config;
    return data(config);
  }

  AdminReply collection_not_found(const std::string& what) const {
    return error(404, "COLLECTION_NOT_FOUND", "collection '" + what + "' not found");
  }

  AdminReply get_collection(const std::string& id) {
    json* c = find_collection(id);
    return c ? data(*c) : collection_not_found(id);
  }

  AdminReply get_collection_by_slug(const std::string& slug) {
    json* c = collection_by_slug(slug);
    return c ? data(*c) : collection_not_found(slug);
  }

  AdminReply update_collection(const std::string& id) {
    json* c = find_collection(id);
    if (!c) return collection_not_found(id);
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json errors = json::array();
    check_definition(*body, true, errors);
    if (const json* slug = member(*body, "recordSlug");
        slug && (!slug->is_string() || slug->get<std::string>() != str_member(*c, "recordSlug")))
      errors.push_back({{"field", "recordSlug"}, {"message", "recordSlug cannot be changed"}});
    if (!errors.empty()) return invalid(errors);
    for (const char* key : {"name", "description", "properties", "schemaDiscoveryMode", "defaultSearchField",
                            "enableVersioning"})
      if (body->contains(key)) {
        const json& v = body->at(key);
        if (!v.is_null()) (*c)[key] = v;
        else if (std::string(key) == "description") (*c)[key] = "";
        else if (std::string(key) == "defaultSearchField") (*c)[key] = nullptr;
      }
    (*c)["updatedAt"] = iso_now();
    return data(*c);
  }

  AdminReply delete_collection(const std::string& id) {
    json* c = find_collection(id);
    if (!c) return collection_not_found(id);
    (*c)["status"] = "deleted";
    (*c)["updatedAt"] = iso_now();
    return no_content();
  }

  AdminReply restore_collection(const std::string& id) {
    json* c = find_by_id(self.collections_, id);
    if (!c) return collection_not_found(id);
    if (live(*c)) return error(409, "COLLECTION_NOT_DELETED", "collection '" + id + "' is not deleted");
    const std::string slug = str_member(*c, "recordSlug");
    if (collection_by_slug(slug))
      return error(409, "COLLECTION_SLUG_TAKEN", "recordSlug '" + slug + "' is taken by another collection");
    (*c)["status"] = "active";
    (*c)["updatedAt"] = iso_now();
    return data(*c);
  }

  // ==== smart queries =============================================================
  json* find_smart_query(const std::string& slug, const std::string& id) {
    json* q = find_by_id(self.smart_queries_, id);
    return q && str_member(*q, "recordSlug") == slug ? q : nullptr;
  }
  bool smart_query_name_taken(const std::string& slug, const std::string& name, const json* except) {
    for (const auto& q : self.smart_queries_)
      if (&q != except && str_member(q, "recordSlug") == slug && str_member(q, "name") == name) return true;
    return false;
  }
  AdminReply smart_query_not_found(const std::string& id) const {
    return error(404, "SMART_QUERY_NOT_FOUND", "smart query '" + id + "' not found");
  }

  AdminReply list_smart_queries(const std::string* slug) {
    std::vector<const json*> items;
    for (const auto& q : self.smart_queries_)
      if (!slug || str_member(q, "recordSlug") == *slug) items.push_back(&q);
    return list(items);
  }

  static void check_smart_query(const json& body, bool partial, json& errors) {
    if (!partial || body.contains("name")) {
      const json* name = member(body, "name");
      if (!name || !name->is_string() || name->get<std::string>().empty())
        errors.push_back({{"field", "name"}, {"message", "name is required"}});
    }
    if (const json* d = member(body, "description"); d && !d->is_string())
      errors.push_back({{"field", "description"}, {"message", "description must be a string"}});
    if (!partial || body.contains("query")) {
      const json* q = member(body, "query");
      if (!q || !q->is_object()) errors.push_back({{"field", "query"}, {"message", "query must be an object"}});
    }
  }

  AdminReply create_smart_query(const std::string& slug) {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json errors = json::array();
    check_smart_query(*body, false, errors);
    if (!errors.empty()) return invalid(errors);
    const std::string name = body->at("name").get<std::string>();
    if (smart_query_name_taken(slug, name, nullptr))
      return error(409, "SMART_QUERY_NAME_TAKEN", "a smart query named '" + name + "' already exists for '" + slug + "'");
    const std::string now = iso_now();
    const json* d = member(*body, "description");
    json q = {{"id", uuid4()},         {"name", name},         {"description", d ? *d : json("")},
              {"recordSlug", slug},    {"query", body->at("query")}, {"createdAt", now},
              {"updatedAt", now}};
    self.smart_queries_.push_back(q);
    return data(q, 201);
  }

  AdminReply get_smart_query(const std::string& slug, const std::string& id) {
    json* q = find_smart_query(slug, id);
    return q ? data(*q) : smart_query_not_found(id);
  }

  AdminReply update_smart_query(const std::string& slug, const std::string& id) {
    json* q = find_smart_query(slug, id);
    if (!q) return smart_query_not_found(id);
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json errors = json::array();
    check_smart_query(*body, true, errors);
    if (!errors.empty()) return invalid(errors);
    if (const json* name = member(*body, "name");
        name && smart_query_name_taken(slug, name->get<std::string>(), q))
      return error(409, "SMART_QUERY_NAME_TAKEN",
                   "a smart query named '" + name->get<std::string>() + "' already exists for '" + slug + "'");
    for (const char* key : {"name", "description", "query"})
      if (const json* v = member(*body, key)) (*q)[key] = *v;
    (*q)["updatedAt"] = iso_now();
    return data(*q);
  }

  AdminReply delete_smart_query(const std::string& slug, const std::string& id) {
    for (auto it = self.smart_queries_.begin(); it != self.smart_queries_.end(); ++it)
      if (str_member(*it, "id") == id && str_member(*it, "recordSlug") == slug) {
        self.smart_queries_.erase(it);
        return no_content();
      }
    return smart_query_not_found(id);
  }

  // execute (id set) or test (id null).
  AdminReply run_smart_query(const std::string& slug, const std::string* id) {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    json definition;
    if (id) {
      json* q = find_smart_query(slug, *id);
      if (!q) return smart_query_not_found(*id);
      definition = q->value("query", json::object());
    } else {
      const json* q = member(*body, "query");
      if (!q || !q->is_object()) return invalid("query", "query must be an object");
      definition = *q;
    }
    json variables = json::object();
    if (const json* v = member(*body, "variables")) {
      if (!v->is_object()) return invalid("variables", "variables must be an object");
      variables = *v;
    }
    std::optional<QueryError> qe;
    substitute(definition, variables, qe);
    if (qe) return query_error(*qe);
    std::vector<json> rows;
    std::size_t total = 0;
    if (auto e = run_query(definition, records, rows, total)) return query_error(*e);
    return reply(200, {{"data", rows}, {"meta", {{"total", total}}}});
  }

  // ==== validation ================================================================
  AdminReply list_suggestions() {
    const std::string* slug = query_get(rq.query, "recordSlug");
    const std::string* status = query_get(rq.query, "status");
    const std::string* type = query_get(rq.query, "issueType");
    std::vector<const json*> items;
    for (const auto& s : self.suggestions_) {
      if (slug && str_member(s, "recordSlug") != *slug) continue;
      if (status && str_member(s, "status") != *status) continue;
      if (type && str_member(s, "issueType") != *type) continue;
      items.push_back(&s);
    }
    return list(items);
  }

  AdminReply get_suggestion(const std::string& id) {
    json* s = find_by_id(self.suggestions_, id);
    return s ? data(*s) : error(404, "SUGGESTION_NOT_FOUND", "suggestion '" + id + "' not found");
  }

  AdminReply decide_suggestion(const std::string& id, const char* status) {
    json* s = find_by_id(self.suggestions_, id);
    if (!s) return error(404, "SUGGESTION_NOT_FOUND", "suggestion '" + id + "' not found");
    if (str_member(*s, "status") != "pending")
      return error(409, "SUGGESTION_NOT_PENDING",
                   "suggestion '" + id + "' is already " + str_member(*s, "status"));
    (*s)["status"] = status;
    (*s)["updatedAt"] = iso_now();
    return data(*s);
  }

  AdminReply scan() {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    const std::string slug = str_member(*body, "recordSlug");
    if (slug.empty()) return invalid("recordSlug", "recordSlug is required");
    const std::string now = iso_now();
    for (const auto& record : records) {
      const std::string record_id = str_member(record, "id");
      const json* d = member(record, "data");
      if (!d) continue;
      std::vector<std::pair<std::string, const json*>> fields;
      flatten(*d, "", fields);
      for (const auto& entry : fields) {
        const std::string& field = entry.first;
        const json* value = entry.second;
        if (!value->is_string()) continue;
        const std::string v = value->get<std::string>();
        const std::size_t len = v.size();
        // A doubled final letter ("Pariss"); case-insensitive.
        if (len < 3 || !is_ascii_letter(v[len - 1]) || lower(v.substr(len - 1)) != lower(v.substr(len - 2, 1)))
          continue;
        const bool known = std::any_of(self.suggestions_.begin(), self.suggestions_.end(), [&](const json& s) {
          return str_member(s, "status") == "pending" && str_member(s, "recordId") == record_id &&
                 str_member(s, "field") == field && s.value("currentValue", json()) == *value;
        });
        if (known) continue;
        self.suggestions_.push_back({{"id", uuid4()},
                                     {"recordSlug", slug},
                                     {"recordId", record_id},
                                     {"field", field},
                                     {"issueType", "typo"},
                                     {"status", "pending"},
                                     {"currentValue", v},
                                     {"suggestedValue", v.substr(0, len - 1)},
                                     {"confidence", 0.8},
                                     {"reason", std::string("doubled final letter '") + v[len - 1] + "'"},
                                     {"createdAt", now}});
      }
    }
    const std::string job = "scan-" + std::to_string(++self.scan_counter_);
    return data({{"id", job}, {"jobId", job}, {"status", "queued"}, {"recordSlug", slug}}, 202);
  }

  // ==== anomaly insights ==========================================================
  AdminReply list_insights() {
    const std::string* slug = query_get(rq.query, "recordSlug");
    const std::string* severity = query_get(rq.query, "severity");
    const std::string* status = query_get(rq.query, "status");
    const std::string* type = query_get(rq.query, "type");
    std::vector<const json*> items;
    for (const auto& i : self.insights_) {
      if (slug && str_member(i, "recordSlug") != *slug) continue;
      if (severity && str_member(i, "severity") != *severity) continue;
      if (status && str_member(i, "status") != *status) continue;
      if (type && str_member(i, "type") != *type) continue;
      items.push_back(&i);
    }
    return list(items);
  }

  AdminReply insight_not_found(const std::string& id) const {
    return error(404, "INSIGHT_NOT_FOUND", "insight '" + id + "' not found");
  }

  AdminReply get_insight(const std::string& id) {
    json* i = find_by_id(self.insights_, id);
    return i ? data(*i) : insight_not_found(id);
  }

  AdminReply set_insight_status(const std::string& id, const char* status) {
    json* i = find_by_id(self.insights_, id);
    if (!i) return insight_not_found(id);
    if (std::string(status) == "acknowledged" && str_member(*i, "status") == "dismissed")
      return error(409, "INSIGHT_DISMISSED", "insight '" + id + "' is dismissed");
    (*i)["status"] = status;
    (*i)["updatedAt"] = iso_now();
    return data(*i);
  }

  AdminReply analyze() {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    const std::string slug = str_member(*body, "recordSlug");
    if (slug.empty()) return invalid("recordSlug", "recordSlug is required");
    // field → [(record id, value)], in record order
    std::map<std::string, std::vector<std::pair<std::string, double>>> numeric;
    for (const auto& record : records) {
      const json* d = member(record, "data");
      if (!d) continue;
      std::vector<std::pair<std::string, const json*>> fields;
      flatten(*d, "", fields);
      for (const auto& entry : fields)
        if (entry.second->is_number()) {
          const double x = entry.second->get<double>();
          if (std::isfinite(x)) numeric[entry.first].emplace_back(str_member(record, "id"), x);
        }
    }
    json found = json::array();
    const std::string now = iso_now();
    for (const auto& per_field : numeric) {
      const std::string& field = per_field.first;
      const auto& values = per_field.second;
      if (values.size() < 5) continue;
      // Shifted by the overall mean, so the sums below lose little precision.
      double shift = 0;
      for (const auto& v : values) shift += v.second / static_cast<double>(values.size());
      double sum = 0, sum_sq = 0;
      for (const auto& v : values) {
        sum += v.second - shift;
        sum_sq += (v.second - shift) * (v.second - shift);
      }
      const double n_others = static_cast<double>(values.size() - 1);
      for (std::size_t k = 0; k < values.size(); ++k) {
        // Leave-one-out: the candidate is compared with the mean and spread of the OTHER
        // values (with the candidate included, one outlier among n values can never be more
        // than (n-1)/sqrt(n) standard deviations away: 2.04 for 6 records).
        const double x = values[k].second;
        const double y = x - shift;
        const double others_mean = (sum - y) / n_others;
        const double mean = others_mean + shift;
        const double variance = std::max(0.0, (sum_sq - y * y) / n_others - others_mean * others_mean);
        const double stddev = std::sqrt(variance);
        if (!std::isfinite(mean) || !std::isfinite(stddev)) continue;
        const double distance = std::fabs(x - mean);
        if (!(distance > 3 * stddev) || distance == 0) continue;
        const std::string& record_id = values[k].first;
        json* existing = nullptr;
        for (auto& i : self.insights_)
          if (str_member(i, "recordSlug") == slug && str_member(i, "type") == "statistical_outlier" &&
              str_member(i, "status") == "open" && i.contains("details") && i.at("details").is_object() &&
              str_member(i.at("details"), "field") == field && str_member(i.at("details"), "recordId") == record_id)
            existing = &i;
        if (existing) {
          found.push_back(*existing);
          continue;
        }
        char sigma[32];
        if (stddev > 0) std::snprintf(sigma, sizeof sigma, "%.1f", distance / stddev);
        else std::snprintf(sigma, sizeof sigma, "infinitely many");
        json insight = {{"id", uuid4()},
                        {"recordSlug", slug},
                        {"type", "statistical_outlier"},
                        {"severity", "warning"},
                        {"status", "open"},
                        {"title", "Outlier in " + field},
                        {"description", "Value " + dump(json(x)) + " of '" + field + "' in record " + record_id +
                                            " is " + sigma + " standard deviations from the mean " + dump(json(mean))},
                        {"details",
                         {{"field", field}, {"recordId", record_id}, {"value", x}, {"mean", mean}, {"stddev", stddev}}},
                        {"detectedAt", now}};
        self.insights_.push_back(insight);
        found.push_back(insight);
      }
    }
    const std::size_t total = found.size();
    return reply(200, {{"data", found}, {"meta", {{"total", total}}}});
  }

  AdminReply summary() {
    const std::string* slug = query_get(rq.query, "recordSlug");
    json by_severity = json::object(), by_type = json::object(), by_status = json::object();
    std::size_t total = 0;
    for (const auto& i : self.insights_) {
      if (slug && !slug->empty() && str_member(i, "recordSlug") != *slug) continue;
      ++total;
      auto bump = [&](json& counts, const std::string& key) {
        if (key.empty()) return;
        counts[key] = counts.value(key, 0) + 1;
      };
      bump(by_severity, str_member(i, "severity"));
      bump(by_type, str_member(i, "type"));
      bump(by_status, str_member(i, "status"));
    }
    return data({{"total", total}, {"bySeverity", by_severity}, {"byType", by_type}, {"byStatus", by_status}});
  }

  // ==== allowed domains ===========================================================
  AdminReply list_domains() {
    std::vector<const json*> items;
    for (const auto& d : self.domains_) items.push_back(&d);
    return list(items);
  }

  AdminReply add_domain() {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    const json* d = member(*body, "domain");
    if (!d || !d->is_string() || d->get<std::string>().empty()) return invalid("domain", "domain is required");
    const std::string domain = lower(d->get<std::string>());
    if (!valid_host(domain))
      return invalid("domain", "domain must be a host name (letters, digits, hyphens and dots; no scheme, port or path)");
    for (const auto& existing : self.domains_)
      if (str_member(existing, "domain") == domain)
        return error(409, "DOMAIN_EXISTS", "domain '" + domain + "' is already allowed");
    json entry = {{"id", uuid4()}, {"domain", domain}, {"createdAt", iso_now()}, {"createdBy", rq.principal}};
    self.domains_.push_back(entry);
    return data(entry, 201);
  }

  AdminReply remove_domain(const std::string& id) {
    for (auto it = self.domains_.begin(); it != self.domains_.end(); ++it)
      if (str_member(*it, "id") == id) {
        self.domains_.erase(it);
        return no_content();
      }
    return error(404, "DOMAIN_NOT_FOUND", "allowed domain '" + id + "' not found");
  }

  // ==== search ====================================================================
  AdminReply search() {
    const auto started = std::chrono::steady_clock::now();
    const std::string* q = query_get(rq.query, "q");
    if (!q || q->empty()) return invalid("q", "q is required");
    std::size_t limit = 20, offset = 0;
    if (const std::string* v = query_get(rq.query, "limit")) {
      auto n = parse_int(*v, 1, 1000);
      if (!n) return invalid("limit", "limit must be an integer between 1 and 1000");
      limit = static_cast<std::size_t>(*n);
    }
    if (const std::string* v = query_get(rq.query, "offset")) {
      auto n = parse_int(*v, 0, 1000000000LL);
      if (!n) return invalid("offset", "offset must be a non-negative integer");
      offset = static_cast<std::size_t>(*n);
    }
    const std::string needle = lower(*q);
    json hits = json::array();
    std::size_t total = 0;
    for (const auto& record : records) {
      const json* d = member(record, "data");
      if (!d || !any_string_matches(*d, needle)) continue;
      if (total++ < offset || hits.size() >= limit) continue;
      hits.push_back({{"id", str_member(record, "id")},
                      {"recordSlug", str_member(record, "recordSlug")},
                      {"document", *d},
                      {"_formatted", highlight(*d, needle)}});
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    return data({{"hits", hits},
                 {"totalHits", total},
                 {"query", *q},
                 {"limit", limit},
                 {"offset", offset},
                 {"processingTimeMs", static_cast<long long>(elapsed)}});
  }

  // ==== storage ===================================================================
  AdminReply upload() {
    const UploadedPart* file = nullptr;
    const UploadedPart* location = nullptr;
    const UploadedPart* is_public = nullptr;
    for (const auto& p : rq.parts) {
      if (p.name == "file" && !file) file = &p;
      else if (p.name == "location" && !location) location = &p;
      else if (p.name == "isPublic" && !is_public) is_public = &p;
    }
    if (!file) return invalid("file", "a multipart part named 'file' is required");
    std::string folder = "/root/shared";
    if (location) {
      auto norm = normalize_folder_path(location->content);
      if (!norm) return invalid("location", "location must be an absolute folder path under /root/");
      folder = *norm;
    }
    bool pub = false;
    if (is_public) {
      if (is_public->content == "true") pub = true;
      else if (is_public->content != "false") return invalid("isPublic", "isPublic must be true or false");
    }
    std::string name = file->filename;
    if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
    if (name.empty()) name = "upload.bin";
    if (!valid_folder_name(name)) return invalid("file", "the file name is not valid");
    const std::string id = uuid4();
    const std::string render_id = "rnd_" + random_hex(24);
    self.uploads_[id] = file->content;
    self.render_ids_[render_id] = id;
    return data({{"id", id},
                 {"renderId", render_id},
                 {"url", "https://storage.centrali.local/render/" + render_id},
                 {"path", folder + "/" + name},
                 {"name", name},
                 {"size", file->content.size()},
                 {"contentType", file->content_type.empty() ? "application/octet-stream" : file->content_type},
                 {"isPublic", pub},
                 {"createdAt", iso_now()}},
                201);
  }

  AdminReply list_folders() {
    std::vector<const json*> items;
    for (const auto& f : self.folders_) items.push_back(&f);
    return list(items);
  }

  json* folder_by_path(const std::string& path) {
    for (auto& f : self.folders_)
      if (str_member(f, "path") == path) return &f;
    return nullptr;
  }

  // parent: the parent folder (sub-folders route), or null to read parentPath from the body.
  AdminReply create_folder(const json* parent) {
    std::optional<AdminReply> out;
    auto body = body_object(out);
    if (!body) return *out;
    const json* name = member(*body, "name");
    if (!name || !name->is_string() || name->get<std::string>().empty()) return invalid("name", "name is required");
    if (!valid_folder_name(name->get<std::string>()))
      return invalid("name", "name must not contain '/' (nor be '.' or '..')");
    std::string parent_path;
    if (parent) {
      parent_path = str_member(*parent, "path");
    } else {
      parent_path = "/root/shared";
      if (const json* p = member(*body, "parentPath")) {
        if (!p->is_string()) return invalid("parentPath", "parentPath must be a string");
        parent_path = p->get<std::string>();
        if (parent_path.size() > 1 && parent_path.back() == '/') parent_path.pop_back();
      }
      if (!folder_by_path(parent_path))
        return error(404, "FOLDER_NOT_FOUND", "folder '" + parent_path + "' not found");
    }
    const std::string path = parent_path + "/" + name->get<std::string>();
    if (folder_by_path(path)) return error(409, "FOLDER_EXISTS", "folder '" + path + "' already exists");
    json f = {{"id", uuid4()},
              {"name", name->get<std::string>()},
              {"path", path},
              {"parentPath", parent_path},
              {"createdAt", iso_now()}};
    self.folders_.push_back(f);
    return data(f, 201);
  }

  AdminReply create_subfolder(const std::string& parent_id) {
    json* parent = find_by_id(self.folders_, parent_id);
    if (!parent) return error(404, "FOLDER_NOT_FOUND", "folder '" + parent_id + "' not found");
    const json copy = *parent;  // create_folder appends to folders_ (the pointer may dangle)
    return create_folder(&copy);
  }
};

// ============================================================================
// AdminRoutes
// ============================================================================
AdminRoutes::AdminRoutes(RecordSource records) : records_(std::move(records)), rng_(std::random_device{}()) {
  const std::string now = iso_now();
  std::lock_guard<std::mutex> lock(mutex_);
  const AdminRequest none;
  Impl impl{*this, none, {}};
  folders_.push_back({{"id", impl.uuid4()}, {"name", "root"}, {"path", "/root"}, {"parentPath", nullptr}, {"createdAt", now}});
  folders_.push_back(
      {{"id", impl.uuid4()}, {"name", "shared"}, {"path", "/root/shared"}, {"parentPath", "/root"}, {"createdAt", now}});
}

namespace {
// The slugs whose records a request needs; nullopt when it reads no records. "" = all slugs.
std::optional<std::vector<std::string>> record_slugs_for(const AdminRequest& rq) {
  const auto& s = rq.segments;
  const std::size_t n = s.size();
  if (rq.method != "GET" && rq.method != "POST") return std::nullopt;
  if (rq.service == "search" && n == 1 && s[0] == "search" && rq.method == "GET") {
    std::vector<std::string> slugs;
    if (const std::string* list = query_get(rq.query, "structures")) {
      std::size_t start = 0;
      while (start <= list->size()) {
        std::size_t comma = list->find(',', start);
        std::string slug = list->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto b = slug.find_first_not_of(' ');
        slug = b == std::string::npos ? std::string() : slug.substr(b, slug.find_last_not_of(' ') - b + 1);
        if (!slug.empty() && std::find(slugs.begin(), slugs.end(), slug) == slugs.end()) slugs.push_back(slug);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (slugs.empty()) slugs.push_back("");
    return slugs;
  }
  if (rq.service != "data" || rq.method != "POST" || n < 2) return std::nullopt;
  if (s[0] == "smart-queries" && s[1] == "slug" &&
      ((n == 4 && s[3] == "test") || (n == 5 && s[3] == "execute")))
    return std::vector<std::string>{s[2]};
  if ((n == 2 && s[0] == "validation" && s[1] == "scan") || (n == 2 && s[0] == "anomaly-insights" && s[1] == "analyze")) {
    auto body = parse_body(rq.body);
    if (!body) return std::nullopt;
    const std::string slug = str_member(*body, "recordSlug");
    if (slug.empty()) return std::nullopt;  // the handler answers 400
    return std::vector<std::string>{slug};
  }
  return std::nullopt;
}
}  // namespace

std::optional<AdminReply> AdminRoutes::handle(const AdminRequest& request) {
  try {
    std::vector<json> records;
    if (auto slugs = record_slugs_for(request)) {
      // Outside the lock: the callback may take the main emulator's lock.
      for (const auto& slug : *slugs) {
        std::vector<json> batch = records_ ? records_(slug) : std::vector<json>{};
        for (auto& r : batch) {
          if (!r.is_object()) continue;
          if (!slug.empty() && r.contains("recordSlug") && str_member(r, "recordSlug") != slug) continue;
          const std::string status = str_member(r, "status");
          if (status == "archived" || status == "deleted") continue;
          records.push_back(std::move(r));
        }
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Impl impl{*this, request, std::move(records)};
    return impl.dispatch();
  } catch (const std::exception& e) {
    json body = {{"error", "Internal Server Error"},
                 {"message", std::string("emulator error: ") + e.what()},
                 {"code", "INTERNAL"},
                 {"requestId", request.request_id}};
    AdminReply r;
    r.status = 500;
    r.body = dump(body);
    return r;
  } catch (...) {
    AdminReply r;
    r.status = 500;
    r.body = dump(json{{"error", "Internal Server Error"},
                       {"message", "emulator error"},
                       {"code", "INTERNAL"},
                       {"requestId", request.request_id}});
    return r;
  }
}

std::size_t AdminRoutes::upload_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return uploads_.size();
}

std::optional<std::string> AdminRoutes::uploaded_bytes(const std::string& file_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = uploads_.find(file_id);
  if (it == uploads_.end()) {
    auto r = render_ids_.find(file_id);  // a renderId works too
    if (r == render_ids_.end()) return std::nullopt;
    it = uploads_.find(r->second);
    if (it == uploads_.end()) return std::nullopt;
  }
  return it->second;
}

void AdminRoutes::add_suggestion(nlohmann::json suggestion) {
  if (!suggestion.is_object()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const AdminRequest none;
  Impl impl{*this, none, {}};
  if (str_member(suggestion, "id").empty()) suggestion["id"] = impl.uuid4();
  if (str_member(suggestion, "status").empty()) suggestion["status"] = "pending";
  if (str_member(suggestion, "issueType").empty()) suggestion["issueType"] = "format";
  if (str_member(suggestion, "createdAt").empty()) suggestion["createdAt"] = iso_now();
  suggestions_.push_back(std::move(suggestion));
}

void AdminRoutes::add_insight(nlohmann::json insight) {
  if (!insight.is_object()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const AdminRequest none;
  Impl impl{*this, none, {}};
  if (str_member(insight, "id").empty()) insight["id"] = impl.uuid4();
  if (str_member(insight, "status").empty()) insight["status"] = "open";
  if (str_member(insight, "severity").empty()) insight["severity"] = "info";
  if (str_member(insight, "type").empty()) insight["type"] = "statistical_outlier";
  if (str_member(insight, "detectedAt").empty()) insight["detectedAt"] = iso_now();
  if (!insight.contains("details")) insight["details"] = json::object();
  insights_.push_back(std::move(insight));
}

}  // namespace centrali_emulator
