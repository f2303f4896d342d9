// The comma-separated number lists the bench's flags take ("100,1000").
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace wkd::bench {

// Parses "a,b,c" of non-negative integers into `out`; false on anything
// else (an empty item, a sign, trailing text, an empty list).
inline bool parse_list(const std::string& s, std::vector<long>& out) {
  out.clear();
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 0) return false;
    out.push_back(v);
  }
  return !out.empty();
}

}  // namespace wkd::bench
