#pragma once
// Runs the real `ebsim` binary as a subprocess (SimGrid allows one engine per process).
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ebsim::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/** A fresh, empty directory for one test's outputs. */
inline std::filesystem::path fresh_dir(const std::string& name) {
  // The process id keeps test binaries of different build trees from sharing folders.
  const auto dir = std::filesystem::temp_directory_path() / ("ebsim-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/** Run `ebsim <args>` from the repository root; args are passed through the shell as written. */
inline CliResult run_cli(const std::string& args) {
  const auto err_path = std::filesystem::temp_directory_path() / ("ebsim-cli-stderr-" + std::to_string(::getpid()));
  const std::string cmd = std::string("cd '") + EBSIM_SOURCE_DIR + "' && '" + EBSIM_BINARY + "' " + args + " 2>'" +
                          err_path.string() + "'";
  CliResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) result.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_file(err_path);
  std::filesystem::remove(err_path);
  return result;
}

}  // namespace ebsim::test
