// wkd_sim_bench --registry (registry.cpp): the registry's rows, and their
// printing (registry_print.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "registry_rows.hpp"

namespace wkd::bench {

// Parses the flags (argv as main got it, "--registry" among them), runs
// the rows and prints them; the process's exit code.
int registry_main(int argc, char** argv);

void print_preamble(bool quick, std::uint64_t seed);
void print_memory(const std::vector<MemoryResult>& m);
void print_catchup(const CatchupResult& c);
void print_rows(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows);

}  // namespace wkd::bench
