// Running the built CLI from tests and reading what it wrote: one shell helper, the one-line-error
// check of the error policy (README.md "Errors"), and a study's summary.json without what depends on the run.
#pragma once
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace xorseed::test {

struct CliRun {
  int rc = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command line in `dir`, capturing stdout, stderr (through files in dir named after
// `tag`) and the exit code.
inline CliRun run_shell(const std::filesystem::path& dir, const std::string& command, const std::string& tag = "cli") {
  const std::filesystem::path out = dir / (tag + ".out"), err = dir / (tag + ".err");
  const std::string cmd = "cd '" + dir.string() + "' && " + command + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// Bad input: exit 2 and exactly one line, "xorseed: error: ...", holding `message`.
inline void expect_one_line_error(const CliRun& r, const std::string& message, const std::string& args) {
  EXPECT_EQ(r.rc, 2) << args << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("xorseed: error: ", 0), 0u) << args << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
}

// A study directory's summary.json without what depends on the machine and the run.
inline nlohmann::json stable_summary(const std::filesystem::path& study_dir) {
  nlohmann::json j = nlohmann::json::parse(slurp(study_dir / "summary.json"));
  j.erase("run");
  for (auto& c : j.at("configurations")) {
    c.erase("wall_seconds");
    c.erase("throughput");
  }
  return j;
}

}  // namespace xorseed::test
