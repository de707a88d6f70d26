#include "models/grid/matpower.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ebsim::grid {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

/** A minimal valid 3-bus case; tests replace pieces of it to make one thing wrong. */
constexpr const char* kThreeBus = R"(function mpc = three
mpc.version = '2';
mpc.baseMVA = 100;
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	345	1	1.1	0.9;
	2	1	60	10	0	0	1	1	0	345	1	1.1	0.9;
	3	1	40	10	0	0	2	1	0	345	1	1.1	0.9;
];
mpc.gen = [
	1	100	0	300	-300	1	100	1	250	10;
];
mpc.branch = [
	1	2	0	0.1	0	100	0	0	0	0	1;
	2	3	0	0.1	0	0	0	0	0	0	1;
	1	3	0	0.1	0	50	0	0	0	0	1;
];
mpc.gencost = [
	2	0	0	3	0.01	20	100;
];
)";

/** kThreeBus with the first occurrence of `from` replaced by `to`. */
std::string three_bus_with(const std::string& from, const std::string& to) {
  std::string text = kThreeBus;
  const std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("test fixture has no " + from);
  return text.replace(at, from.size(), to);
}

/** The MatpowerError of parsing `text`. */
MatpowerError error_of(const std::string& text) {
  try {
    parse_matpower(text, "bad");
  } catch (const MatpowerError& error) {
    return error;
  }
  ADD_FAILURE() << "no MatpowerError for:\n" << text;
  return MatpowerError(-1, "");
}

TEST(Matpower, ParsesAllMatrices) {
  const GridModel grid = parse_matpower(kThreeBus, "three");
  EXPECT_EQ(grid.name, "three");
  EXPECT_DOUBLE_EQ(grid.base_mva, 100.0);
  ASSERT_EQ(grid.buses.size(), 3u);
  EXPECT_EQ(grid.buses[0].type, BusType::kReference);
  EXPECT_DOUBLE_EQ(grid.buses[1].pd_mw, 60.0);
  EXPECT_EQ(grid.buses[2].area, 2);
  EXPECT_DOUBLE_EQ(grid.buses[2].base_kv, 345.0);
  ASSERT_EQ(grid.generators.size(), 1u);
  EXPECT_EQ(grid.generators[0].bus, 1);
  EXPECT_DOUBLE_EQ(grid.generators[0].pg_mw, 100.0);
  EXPECT_DOUBLE_EQ(grid.generators[0].pmax_mw, 250.0);
  EXPECT_DOUBLE_EQ(grid.generators[0].pmin_mw, 10.0);
  EXPECT_TRUE(grid.generators[0].in_service);
  ASSERT_EQ(grid.branches.size(), 3u);
  EXPECT_EQ(grid.branches[2].from_bus, 1);
  EXPECT_EQ(grid.branches[2].to_bus, 3);
  EXPECT_DOUBLE_EQ(grid.branches[2].x_pu, 0.1);
  EXPECT_DOUBLE_EQ(grid.branches[2].rate_a_mva, 50.0);
  ASSERT_EQ(grid.gencosts.size(), 1u);
  EXPECT_EQ(grid.gencosts[0].model, GenCost::Model::kPolynomial);
  EXPECT_EQ(grid.gencosts[0].coefficients, (std::vector<double>{0.01, 20, 100}));
}

TEST(Matpower, ReadsEveryImportedColumn) {
  const GridModel grid = parse_matpower(R"(mpc.version = '2';
mpc.baseMVA = 50;
mpc.bus = [ 7 3 1.5 2.5 3.5 4.5 9 1.01 -12.5 138 4 1.1 0.9 ];
mpc.gen = [ 7 11 0 0 0 1 100 0 22 -3 ];
mpc.branch = [ 7 7 0.01 0.2 0.3 40 50 60 0.95 -2.5 0 ];
)",
                                        "columns");
  EXPECT_DOUBLE_EQ(grid.base_mva, 50.0);
  const Bus& bus = grid.buses.at(0);
  EXPECT_EQ(bus.id, 7);
  EXPECT_EQ(bus.type, BusType::kReference);
  EXPECT_DOUBLE_EQ(bus.pd_mw, 1.5);
  EXPECT_DOUBLE_EQ(bus.qd_mvar, 2.5);
  EXPECT_DOUBLE_EQ(bus.gs_mw, 3.5);
  EXPECT_DOUBLE_EQ(bus.bs_mvar, 4.5);
  EXPECT_EQ(bus.area, 9);
  EXPECT_DOUBLE_EQ(bus.va_deg, -12.5);
  EXPECT_DOUBLE_EQ(bus.base_kv, 138.0);
  EXPECT_EQ(bus.zone, 4);
  const Generator& generator = grid.generators.at(0);
  EXPECT_DOUBLE_EQ(generator.pg_mw, 11.0);
  EXPECT_FALSE(generator.in_service);  // GEN_STATUS 0
  EXPECT_DOUBLE_EQ(generator.pmax_mw, 22.0);
  EXPECT_DOUBLE_EQ(generator.pmin_mw, -3.0);
  const Branch& branch = grid.branches.at(0);
  EXPECT_DOUBLE_EQ(branch.r_pu, 0.01);
  EXPECT_DOUBLE_EQ(branch.x_pu, 0.2);
  EXPECT_DOUBLE_EQ(branch.b_pu, 0.3);
  EXPECT_DOUBLE_EQ(branch.rate_a_mva, 40.0);
  EXPECT_DOUBLE_EQ(branch.tap_ratio, 0.95);
  EXPECT_DOUBLE_EQ(branch.shift_deg, -2.5);
  EXPECT_FALSE(branch.in_service);  // BR_STATUS 0
  EXPECT_TRUE(grid.gencosts.empty());  // no mpc.gencost: allowed
}

TEST(Matpower, ToleratesLayoutVariants) {
  // Rows on the lines of '[' and ']', commas, a row without ';' before a line break, comments
  // everywhere, CRLF line ends, double-quoted version, unknown fields, cell arrays and MATLAB's
  // leading '+' and Inf.
  const std::string text =
      "function mpc = variants\r\n"
      "%% a comment; with [brackets] and 'quotes'\r\n"
      "mpc.version = \"2\";  % trailing comment\r\n"
      "mpc.baseMVA=100;\r\n"
      "mpc.bus = [1 3 0 0 0 0 1 1 0 345 1 1.1 0.9; 2,1,+10,0,0,0,1,1,0,345,1,1.1,0.9\r\n"
      "  3\t1\t5\t0\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9; % row comment ]\r\n"
      "  4 1 1e1 0 0 0 1 1 0 345 1 1.1 0.9];\r\n"
      "mpc.gen = [\r\n"
      "  1 15 0 Inf -Inf 1 100 1 Inf 0;\r\n"
      "];\r\n"
      "mpc.branch = [ 1 2 0 0.1 0 0 0 0 0 0 1 -360 360;\r\n"
      "  2 3 0 0.1 0 0 0 0 0 0 1 -360 360; 3 4 0 0.1 0 0 0 0 0 0 1 -360 360 ];\r\n"
      "mpc.areas = [ 1 1; ];\r\n"
      "mpc.bus_name = {\r\n"
      "  'one; two ] }{';\r\n"
      "  'three %';\r\n"
      "};\r\n"
      "mpc.gencost = [ 1 0 0 3 0 0 10 100 20 300 ];\r\n";
  const GridModel grid = parse_matpower(text, "variants");
  ASSERT_EQ(grid.buses.size(), 4u);
  EXPECT_DOUBLE_EQ(grid.buses[1].pd_mw, 10.0);
  EXPECT_DOUBLE_EQ(grid.buses[2].pd_mw, 5.0);
  EXPECT_DOUBLE_EQ(grid.buses[3].pd_mw, 10.0);
  ASSERT_EQ(grid.generators.size(), 1u);
  EXPECT_TRUE(std::isinf(grid.generators[0].pmax_mw));
  ASSERT_EQ(grid.branches.size(), 3u);
  EXPECT_EQ(grid.branches[2].to_bus, 4);
  ASSERT_EQ(grid.gencosts.size(), 1u);
  EXPECT_EQ(grid.gencosts[0].model, GenCost::Model::kPiecewiseLinear);
  EXPECT_EQ(grid.gencosts[0].coefficients, (std::vector<double>{0, 0, 10, 100, 20, 300}));
}

TEST(Matpower, TakesTheFirstRowsOfGencostWithReactiveCosts) {
  const GridModel grid = parse_matpower(
      three_bus_with("\t2\t0\t0\t3\t0.01\t20\t100;\n", "\t2\t0\t0\t3\t0.01\t20\t100;\n\t2\t0\t0\t3\t9\t9\t9;\n"),
      "reactive");
  ASSERT_EQ(grid.gencosts.size(), 1u);
  EXPECT_EQ(grid.gencosts[0].coefficients, (std::vector<double>{0.01, 20, 100}));
}

TEST(Matpower, PadsShortCostModelsWithTheMatrixWidth) {
  // MATLAB matrices are rectangular: a linear cost (NCOST 2) beside a quadratic one ends in a padding 0.
  const std::string gen_row = "\t1\t100\t0\t300\t-300\t1\t100\t1\t250\t10;\n";
  std::string text = three_bus_with(gen_row, gen_row + "\t2\t0\t0\t300\t-300\t1\t100\t1\t250\t10;\n");
  const std::string cost_row = "\t2\t0\t0\t3\t0.01\t20\t100;\n";
  text.replace(text.find(cost_row), cost_row.size(), cost_row + "\t2\t0\t0\t2\t15\t0\t0;\n");
  const GridModel grid = parse_matpower(text, "padded");
  ASSERT_EQ(grid.gencosts.size(), 2u);
  EXPECT_EQ(grid.gencosts[1].coefficients, (std::vector<double>{15, 0}));
}

TEST(Matpower, BusIndexFindsBusesAndSurvivesAStaleIndex) {
  GridModel grid = parse_matpower(kThreeBus, "index");
  EXPECT_EQ(grid.bus_position_by_id.size(), 3u);
  EXPECT_EQ(grid.bus_index(1), 0u);
  EXPECT_EQ(grid.bus_index(3), 2u);
  EXPECT_THROW(grid.bus_index(4), std::out_of_range);
  // Hand edits make the index stale: lookups stay correct, and index_buses() refreshes it.
  grid.buses[2].id = 40;
  grid.buses.push_back(Bus{.id = 30});
  EXPECT_EQ(grid.bus_index(40), 2u);
  EXPECT_EQ(grid.bus_index(30), 3u);
  EXPECT_THROW(grid.bus_index(3), std::out_of_range);  // a stale hit is not trusted
  grid.index_buses();
  EXPECT_EQ(grid.bus_position_by_id.at(40), 2u);
  GridModel by_hand;
  by_hand.buses = {Bus{.id = 5}, Bus{.id = 9}};
  EXPECT_EQ(by_hand.bus_index(9), 1u);  // never indexed
  by_hand.index_buses();
  EXPECT_EQ(by_hand.bus_position_by_id.size(), 2u);
  EXPECT_EQ(by_hand.bus_index(5), 0u);
}

// ---- Errors: each names the line and what was expected ----------------------------------------

/** kThreeBus in MATPOWER's version 1 format: the function returns the matrices as separate outputs
 * (as lib/t/t_auction_case.m and t_case9_opf.m in MATPOWER's test suite do). */
std::string three_bus_version1() {
  std::string text = kThreeBus;
  const auto replace = [&text](const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  replace("function mpc = three", "function [baseMVA, bus, gen, branch, areas, gencost] = three");
  replace("mpc.version = '2';\n", "");
  replace("mpc.", "");
  return text + "areas = [\n\t1\t1;\n\t2\t3;\n];\nreturn;\n";
}

TEST(Matpower, ReadsVersionOneCaseFunctions) {
  const std::string text = three_bus_version1();
  ASSERT_EQ(text.find("mpc"), std::string::npos) << text;
  const GridModel v1 = parse_matpower(text, "three");
  const GridModel v2 = parse_matpower(kThreeBus, "three");
  EXPECT_DOUBLE_EQ(v1.base_mva, v2.base_mva);
  ASSERT_EQ(v1.buses.size(), v2.buses.size());
  for (std::size_t i = 0; i < v1.buses.size(); ++i) {
    EXPECT_EQ(v1.buses[i].id, v2.buses[i].id);
    EXPECT_EQ(v1.buses[i].pd_mw, v2.buses[i].pd_mw);
    EXPECT_EQ(v1.buses[i].area, v2.buses[i].area);
  }
  ASSERT_EQ(v1.generators.size(), 1u);
  EXPECT_EQ(v1.generators[0].pmax_mw, v2.generators[0].pmax_mw);
  ASSERT_EQ(v1.branches.size(), 3u);
  EXPECT_EQ(v1.branches[2].rate_a_mva, v2.branches[2].rate_a_mva);
  ASSERT_EQ(v1.gencosts.size(), 1u);
  EXPECT_EQ(v1.gencosts[0].coefficients, v2.gencosts[0].coefficients);
  EXPECT_EQ(v1.bus_index(3), 2u);

  // Outputs are taken by position, as MATPOWER's loadcase does: the local names do not matter, and
  // four outputs (no costs) are enough for a power flow.
  std::string renamed = text;
  renamed.replace(renamed.find("[baseMVA, bus, gen, branch, areas, gencost]"), 43, "[base, b, g, br]");
  const auto rename = [&renamed](const std::string& from, const std::string& to) {
    renamed.replace(renamed.find(from), from.size(), to);
  };
  rename("baseMVA = 100", "base = 100");
  rename("bus = [", "b = [");
  rename("gen = [", "g = [");
  rename("branch = [", "br = [");
  renamed.erase(renamed.find("gencost = ["));  // costs and areas are no outputs any more
  const GridModel four = parse_matpower(renamed, "four");
  EXPECT_EQ(four.buses.size(), 3u);
  EXPECT_EQ(four.branches.size(), 3u);
  EXPECT_TRUE(four.gencosts.empty());
}

TEST(MatpowerErrors, VersionOneProblems) {
  const std::string text = three_bus_version1();
  // Messages name the variables without "mpc.".
  std::string bad = text;
  bad.replace(bad.find("\t2\t1\t60"), 6, "\t7\t1\t60");  // a bus 7 appears, bus 2 is gone
  EXPECT_THAT(error_of(bad).what(), AllOf(HasSubstr("branch column 2 (T_BUS)"), HasSubstr("listed in bus"),
                                          ::testing::Not(HasSubstr("mpc."))));
  bad = text;
  bad.replace(bad.find("baseMVA = 100;"), 14, "");
  EXPECT_THAT(error_of(bad).what(), HasSubstr("missing baseMVA"));
  bad = text;
  bad.replace(bad.find("baseMVA = 100;"), 14, "baseMVA = 100; x = 3;");
  EXPECT_THAT(error_of(bad).what(), AllOf(HasSubstr("one of the function's outputs"), HasSubstr("'x = 3;'")));
  bad = text;
  bad.replace(bad.find("[baseMVA, bus, gen, branch, areas, gencost]"), 43, "[baseMVA, bus, gen]");
  EXPECT_EQ(error_of(bad).line(), 1);
  EXPECT_THAT(error_of(bad).what(), HasSubstr("expected at least 4"));
  bad = text;
  bad.replace(bad.find("bus = ["), 7, "gen = [");  // gen assigned twice
  EXPECT_THAT(error_of(bad).what(), HasSubstr("gen is assigned twice"));
}

TEST(MatpowerErrors, VersionOtherThanTwo) {
  const MatpowerError error = error_of(three_bus_with("mpc.version = '2';", "mpc.version = '1';"));
  EXPECT_EQ(error.line(), 2);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("mpc.version"), HasSubstr("expected '2'"), HasSubstr("got '1'")));
}

TEST(MatpowerErrors, MissingVersionBaseAndMatrices) {
  EXPECT_THAT(error_of(three_bus_with("mpc.version = '2';", "")).what(), HasSubstr("missing mpc.version"));
  const MatpowerError base = error_of(three_bus_with("mpc.baseMVA = 100;", ""));
  EXPECT_EQ(base.line(), 0);
  EXPECT_THAT(base.what(), HasSubstr("missing mpc.baseMVA"));
  EXPECT_THAT(error_of(three_bus_with("mpc.baseMVA = 100;", "mpc.baseMVA = -1;")).what(),
              AllOf(HasSubstr("expected a positive number"), HasSubstr("'-1'")));
  EXPECT_THAT(error_of(three_bus_with("mpc.bus = [", "mpc.bus_data = [")).what(), HasSubstr("missing mpc.bus:"));
  EXPECT_THAT(error_of(three_bus_with("mpc.gen = [", "mpc.gens = [")).what(), HasSubstr("missing mpc.gen:"));
  EXPECT_THAT(error_of(three_bus_with("mpc.branch = [", "mpc.branches = [")).what(), HasSubstr("missing mpc.branch:"));
}

TEST(MatpowerErrors, RowWithTooFewColumns) {
  const MatpowerError error = error_of(three_bus_with("\t2\t1\t60\t10\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;",
                                                      "\t2\t1\t60\t10\t0\t0\t1\t1\t0\t345\t1\t1.1;"));
  EXPECT_EQ(error.line(), 7);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("mpc.bus row has 12 columns"), HasSubstr("expected at least 13")));
  const MatpowerError branch = error_of(three_bus_with("\t1\t2\t0\t0.1\t0\t100\t0\t0\t0\t0\t1;", "\t1\t2\t0\t0.1;"));
  EXPECT_EQ(branch.line(), 14);
  EXPECT_THAT(branch.what(), AllOf(HasSubstr("4 columns"), HasSubstr("expected at least 11")));
}

TEST(MatpowerErrors, RaggedRows) {
  const MatpowerError error = error_of(three_bus_with("\t2\t1\t60\t10\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;",
                                                      "\t2\t1\t60\t10\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9\t7;"));
  EXPECT_EQ(error.line(), 7);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("14 columns"), HasSubstr("expected 13 like the first row (line 6)")));
}

TEST(MatpowerErrors, UnparsableNumberNamesTheColumn) {
  const MatpowerError error = error_of(three_bus_with("\t2\t1\t60\t10", "\t2\t1\t6O\t10"));
  EXPECT_EQ(error.line(), 7);
  EXPECT_THAT(error.what(),
              AllOf(HasSubstr("mpc.bus column 3 (PD)"), HasSubstr("expected a number"), HasSubstr("got '6O'")));
  EXPECT_THAT(error_of(three_bus_with("\t2\t1\t60\t10", "\t2.5\t1\t60\t10")).what(),
              AllOf(HasSubstr("column 1 (BUS_I)"), HasSubstr("expected a whole number")));
  EXPECT_THAT(error_of(three_bus_with("\t2\t1\t60\t10", "\t2\t7\t60\t10")).what(),
              AllOf(HasSubstr("column 2 (BUS_TYPE)"), HasSubstr("4 (isolated), got 7")));
  EXPECT_THAT(error_of(three_bus_with("1.1\t0.9;\n\t3", "1.1\tNaN;\n\t3")).what(),
              AllOf(HasSubstr("column 13 (VMIN)"), HasSubstr("got 'NaN'")));
}

TEST(MatpowerErrors, UnknownBusInGeneratorOrBranch) {
  const MatpowerError gen = error_of(three_bus_with("\t1\t100\t0\t300", "\t4\t100\t0\t300"));
  EXPECT_EQ(gen.line(), 11);
  EXPECT_THAT(gen.what(), AllOf(HasSubstr("mpc.gen column 1 (GEN_BUS)"), HasSubstr("got 4 (no such bus)")));
  const MatpowerError branch = error_of(three_bus_with("\t2\t3\t0\t0.1", "\t2\t9\t0\t0.1"));
  EXPECT_EQ(branch.line(), 15);
  EXPECT_THAT(branch.what(), AllOf(HasSubstr("mpc.branch column 2 (T_BUS)"), HasSubstr("got 9 (no such bus)")));
}

TEST(MatpowerErrors, DuplicateBusNumber) {
  const MatpowerError error = error_of(three_bus_with("\t3\t1\t40", "\t2\t1\t40"));
  EXPECT_EQ(error.line(), 8);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("bus number 2 appears twice"), HasSubstr("first on line 7")));
}

TEST(MatpowerErrors, GencostRowCount) {
  const MatpowerError error = error_of(three_bus_with("\t2\t0\t0\t3\t0.01\t20\t100;\n", "\t2\t0\t0\t3\t0.01\t20\t100;\n"
                                                                                      "\t2\t0\t0\t3\t0.01\t20\t100;\n"
                                                                                      "\t2\t0\t0\t3\t0.01\t20\t100;\n"));
  EXPECT_EQ(error.line(), 18);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("mpc.gencost has 3 rows"), HasSubstr("expected 1 (one per generator) or 2")));
}

TEST(MatpowerErrors, GencostModelCountAndPieces) {
  const MatpowerError model = error_of(three_bus_with("\t2\t0\t0\t3\t0.01", "\t3\t0\t0\t3\t0.01"));
  EXPECT_EQ(model.line(), 19);
  EXPECT_THAT(model.what(), AllOf(HasSubstr("column 1 (MODEL)"), HasSubstr("1 (piecewise linear) or 2 (polynomial)"),
                                  HasSubstr("got 3")));
  EXPECT_THAT(error_of(three_bus_with("\t2\t0\t0\t3\t0.01", "\t2\t0\t0\t4\t0.01")).what(),
              AllOf(HasSubstr("7 columns"), HasSubstr("NCOST = 4 coefficients need 8")));
  const MatpowerError pieces = error_of(three_bus_with("\t2\t0\t0\t3\t0.01\t20\t100;", "\t1\t0\t0\t2\t50\t0\t50;"));
  EXPECT_THAT(pieces.what(), AllOf(HasSubstr("7 columns"), HasSubstr("NCOST = 2 points need 8")));
  const MatpowerError order =
      error_of(three_bus_with("\t2\t0\t0\t3\t0.01\t20\t100;", "\t1\t0\t0\t3\t0\t0\t50\t500\t50\t900;"));
  EXPECT_EQ(order.line(), 19);
  EXPECT_THAT(order.what(), AllOf(HasSubstr("column 9 (COST)"), HasSubstr("x3 (MW) greater than x2 = 50"),
                                  HasSubstr("got 50")));
}

TEST(MatpowerErrors, NoReferenceBus) {
  const MatpowerError error = error_of(three_bus_with("\t1\t3\t0", "\t1\t2\t0"));
  EXPECT_EQ(error.line(), 5);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("no reference bus"), HasSubstr("type 3")));
}

TEST(MatpowerErrors, SyntaxProblems) {
  const MatpowerError stray = error_of(three_bus_with("\t1\t3\t0\t0\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n\t2",
                                                         "\t1\t3\t0\t0\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n];\n\t2"));
  EXPECT_EQ(stray.line(), 8);  // a row after the matrix was closed
  EXPECT_THAT(stray.what(), HasSubstr("expected an assignment"));
  const MatpowerError code = error_of(std::string(kThreeBus) + "mpc.branch(:, 4) = 2 * mpc.branch(:, 4);\n");
  EXPECT_EQ(code.line(), 21);
  EXPECT_THAT(code.what(), HasSubstr("MATLAB code is not supported"));
  const MatpowerError open = error_of(std::string(kThreeBus) + "mpc.areas = [\n 1 1;\n");
  EXPECT_EQ(open.line(), 21);
  EXPECT_THAT(open.what(), HasSubstr("not closed: expected ']'"));
  const MatpowerError next = error_of(three_bus_with("];\nmpc.gen", "mpc.gen"));
  EXPECT_EQ(next.line(), 9);
  EXPECT_THAT(next.what(), HasSubstr("mpc.bus matrix opened on line 5 is not closed: expected ']'"));
  EXPECT_THAT(error_of(three_bus_with("\t2\t1\t60", "\t2\t1\t[60")).what(),
              HasSubstr("expected numbers, ';' or ']', got '['"));
  const MatpowerError twice = error_of(std::string(kThreeBus) + "mpc.baseMVA = 10;\n");
  EXPECT_EQ(twice.line(), 21);
  EXPECT_THAT(twice.what(), HasSubstr("assigned twice (first on line 3)"));
}

}  // namespace
}  // namespace ebsim::grid
