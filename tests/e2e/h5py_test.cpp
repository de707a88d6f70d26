// Traces must be readable with h5py, the tool researchers use (docs/trace-format.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

TEST(TraceWithH5py, GoldenTraceReadsBackWithTheHandWorkedTotals) {
  // /usr/bin/python3 is the interpreter that sees Debian's python3-h5py (tools/dev.sh installs it).
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-h5py is not installed";
  const auto trace = fresh_dir("h5py") / "golden.h5";
  ASSERT_EQ(run_cli("run tests/data/e2e/golden.yaml -q -o '" + trace.string() + "'").exit_code, 0);

  const std::string script = std::string(EBSIM_SOURCE_DIR) + "/tests/e2e/read_trace_with_h5py.py";
  const std::string json_path = trace.string() + ".json";
  ASSERT_EQ(std::system(("/usr/bin/python3 '" + script + "' '" + trace.string() + "' > '" + json_path + "'").c_str()), 0);
  const std::string json = read_file(json_path);
  // The golden market (tests/e2e/cli_test.cpp): 4 intervals x 0.8 kWh at 0.30, 20 orders, seed 11.
  EXPECT_NE(json.find(R"("datasets": ["block_appends", "block_signatures", "block_transactions", "blocks", "cpu", "disputes", "failovers", "groups", "intervals", "ledger_keys", "line_flows", "link_messages", "messages", "orders", "p2p_blocks", "p2p_chain", "p2p_confirmations", "p2p_double_spend", "p2p_selfish_mining", "participants", "refusals", "rounds", "security_checks", "settlement", "trades"])"),
            std::string::npos) << json;
  EXPECT_NE(json.find(R"("network_model": "CM02")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("seed": 11)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("traded_kwh": 3.2,)"), std::string::npos) << json;  // rounded to 1e-9 by the script
  EXPECT_NE(json.find(R"("prices": [0.3])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("orders": 20)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("compression": "gzip")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("quantity_kwh")"), std::string::npos) << json;
}

}  // namespace
}  // namespace ebsim::test
