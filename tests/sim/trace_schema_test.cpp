// The trace table seam (sim/trace/schema.hpp): a table declared once gives the record struct,
// the stored compound type and the doc's column table; docs/trace-format.md follows the schemas.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/records.hpp"
#include "sim/trace/trace_doc.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::trace {
namespace {

namespace fs = std::filesystem;

// A table only this test knows: declaring it here is all it takes to write and read it.
#define EBSIM_TRACE_TEST_WIDGET_COLUMNS(COLUMN)                 \
  COLUMN(std::uint32_t, widget, 0, "", "widget id")             \
  COLUMN(double, mass_kg, -1.0, "kg", "its mass; -1: unweighed") \
  COLUMN(NameChars, label, {}, "", "its label, or a | b")
EBSIM_TRACE_TABLE(TestWidgetRecord, "/test_widgets", "one row per widget (test only)", kSmallTableMaxChunkRows,
                  EBSIM_TRACE_TEST_WIDGET_COLUMNS);

// u32 at 0, padding to 8, f64 at 8, 48 chars at 16: 64 bytes in memory, 60 in the file.
static_assert(sizeof(TestWidgetRecord) == 64);
static_assert(offsetof(TestWidgetRecord, mass_kg) == 8 && offsetof(TestWidgetRecord, label) == 16);
static_assert(TestWidgetRecord::trace_schema().columns.size() == 3);
static_assert(dataset_name<TestWidgetRecord>() == "/test_widgets");

/** Closes an HDF5 id at scope exit. */
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

/** The member names of a dataset's compound type, in file order. */
std::vector<std::string> member_names(hid_t dataset) {
  const Id type{H5Dget_type(dataset), H5Tclose};
  std::vector<std::string> names;
  for (int i = 0; i < H5Tget_nmembers(type.id); ++i) {
    char* name = H5Tget_member_name(type.id, static_cast<unsigned>(i));
    names.emplace_back(name);
    H5free_memory(name);
  }
  return names;
}

/** "u32", "f64", "str48", "u8[80]": a stored member's type as docs/trace-format.md writes it. */
std::string doc_type(hid_t type) {
  const std::string bits = std::to_string(8 * H5Tget_size(type));
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "i") + bits;
    case H5T_FLOAT: return "f" + bits;
    case H5T_STRING: return "str" + std::to_string(H5Tget_size(type));
    case H5T_ARRAY: {
      hsize_t length = 0;
      H5Tget_array_dims2(type, &length);
      const Id base{H5Tget_super(type), H5Tclose};
      return doc_type(base.id) + "[" + std::to_string(length) + "]";
    }
    default: return "?";
  }
}

/** A dataset's string-array attribute. */
std::vector<std::string> string_attribute(hid_t object, const char* name) {
  const Id attribute{H5Aopen(object, name, H5P_DEFAULT), H5Aclose};
  const Id space{H5Aget_space(attribute.id), H5Sclose};
  const Id type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5T_CSET_UTF8);
  std::vector<char*> texts(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id)), nullptr);
  EXPECT_GE(H5Aread(attribute.id, type.id, texts.data()), 0) << name;
  std::vector<std::string> out(texts.begin(), texts.end());
  H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, texts.data());
  return out;
}

RunMetadata metadata(const std::string& currency) {
  RunMetadata m;
  m.scenario_name = "schema-test";
  m.currency = currency;
  return m;
}

class TraceSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / ("ebsim_schema_" + std::string(test->name()) + "_" +
                                             std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(TraceSchemaTest, TheRecordStructFollowsTheColumnList) {
  const TestWidgetRecord defaults;
  EXPECT_EQ(defaults.widget, 0u);
  EXPECT_EQ(defaults.mass_kg, -1.0);
  EXPECT_EQ(defaults.label[0], '\0');
  const TestWidgetRecord row{7, 2.5};  // aggregate initialisation in column order
  EXPECT_EQ(row.widget, 7u);
  EXPECT_EQ(row.mass_kg, 2.5);
  const auto schema = TestWidgetRecord::trace_schema();
  EXPECT_STREQ(schema.path, "/test_widgets");
  EXPECT_STREQ(schema.columns[1].name, "mass_kg");
  EXPECT_STREQ(schema.columns[1].unit, "kg");
  EXPECT_EQ(schema.columns[2].type, detail::ColumnType::kName);
}

// 100 rows with a 64-row chunk: a full chunk appended, then the rest flushed at commit.
TEST_F(TraceSchemaTest, ATableDeclaredInATestIsWrittenAndReadBack) {
  const std::string trace = path("widgets.h5");
  std::vector<TestWidgetRecord> written;
  for (std::uint32_t i = 0; i < 100; ++i) {
    TestWidgetRecord row{1000 + i, 0.25 * i};
    std::strcpy(row.label, i % 2 == 0 ? "even" : "odd");
    written.push_back(row);
  }
  {
    TraceWriter writer(trace);
    writer.add(OrderRecord{});
    for (const TestWidgetRecord& row : written) writer.add(row);
    writer.commit(metadata("EUR"));
  }
  const std::vector<TestWidgetRecord> read = read_table<TestWidgetRecord>(trace);
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].widget, 1000 + i);
    EXPECT_EQ(read[i].mass_kg, 0.25 * static_cast<double>(i));
    EXPECT_STREQ(read[i].label, i % 2 == 0 ? "even" : "odd");
  }
  EXPECT_EQ(read_table<OrderRecord>(trace).size(), 1u);  // the standard tables are there as ever

  const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  const Id widgets{H5Dopen2(file.id, "/test_widgets", H5P_DEFAULT), H5Dclose};
  ASSERT_GE(widgets.id, 0);
  EXPECT_EQ(member_names(widgets.id), (std::vector<std::string>{"widget", "mass_kg", "label"}));
  EXPECT_EQ(string_attribute(widgets.id, "units"), (std::vector<std::string>{"", "kg", ""}));
  EXPECT_EQ(string_attribute(widgets.id, "description"), std::vector<std::string>{"one row per widget (test only)"});
  const Id type{H5Dget_type(widgets.id), H5Tclose};
  EXPECT_EQ(H5Tget_size(type.id), 4u + 8u + 48u);  // packed
}

TEST_F(TraceSchemaTest, NameBytesAfterTheTerminatorAreNotStored) {
  const std::string trace = path("names.h5");
  TestWidgetRecord row{1, 1.0};
  std::memset(row.label, 'x', sizeof row.label);
  row.label[2] = '\0';  // "xx", then garbage
  {
    TraceWriter writer(trace);
    writer.add(row);
    writer.commit(metadata("EUR"));
  }
  const TestWidgetRecord back = read_table<TestWidgetRecord>(trace).at(0);
  for (std::size_t i = 2; i < sizeof back.label; ++i) ASSERT_EQ(back.label[i], '\0') << i;
  EXPECT_EQ(row.label[3], 'x');  // the caller's row is left as it was
}

TEST_F(TraceSchemaTest, ATraceWithoutTheTestTableHasNoSuchDataset) {
  const std::string trace = path("plain.h5");
  {
    TraceWriter writer(trace);
    writer.commit(metadata("EUR"));
  }
  const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  EXPECT_EQ(H5Lexists(file.id, "/test_widgets", H5P_DEFAULT), 0);
  EXPECT_GT(H5Lexists(file.id, "/orders", H5P_DEFAULT), 0);
}

TEST_F(TraceSchemaTest, ColumnTableMarkdownIsTheDocsShape) {
  EXPECT_EQ(column_table_markdown(detail::table_spec<TestWidgetRecord>()),
            "| column | type | unit | meaning |\n"
            "| --- | --- | --- | --- |\n"
            "| `widget` | u32 | | widget id |\n"
            "| `mass_kg` | f64 | kg | its mass; -1: unweighed |\n"
            "| `label` | str48 | | its label, or a \\| b |\n");
}

TEST_F(TraceSchemaTest, GeneratedTablesReplaceWhatIsBetweenTheMarkers) {
  const std::vector<const detail::TableSpec*> tables{&detail::table_spec<TestWidgetRecord>()};
  const std::string doc = "# Title\n\nProse.\n\n<!-- trace-columns /test_widgets -->\n| stale |\n"
                          "<!-- /trace-columns -->\n\nMore prose.\n";
  EXPECT_EQ(with_generated_column_tables(doc, tables),
            "# Title\n\nProse.\n\n<!-- trace-columns /test_widgets -->\n" +
                column_table_markdown(*tables[0]) + "<!-- /trace-columns -->\n\nMore prose.\n");
  EXPECT_THROW(with_generated_column_tables("no tables\n", tables), std::invalid_argument);
  EXPECT_THROW(with_generated_column_tables("<!-- trace-columns /nothing -->\n<!-- /trace-columns -->\n", tables),
               std::invalid_argument);
  EXPECT_THROW(with_generated_column_tables("<!-- trace-columns /test_widgets -->\n| unended |\n", tables),
               std::invalid_argument);
}

std::string read_doc() {
  std::ifstream in(std::string(EBSIM_SOURCE_DIR) + "/docs/trace-format.md", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(TraceSchemaTest, DocColumnTablesAreTheSchemas) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty());
  EXPECT_TRUE(with_generated_column_tables(doc) == doc)
      << "docs/trace-format.md's column tables differ from sim/trace/records.hpp: run "
         "`build/ebsim trace-doc docs/trace-format.md` and review the diff";
}

/** (name, type, unit) of each row of the doc's column table of `dataset`, parsed from the markdown. */
std::vector<std::tuple<std::string, std::string, std::string>> doc_columns(const std::string& doc,
                                                                          const std::string& dataset) {
  const std::string begin = std::string(kColumnTableBegin) + dataset + " -->\n";
  const std::size_t start = doc.find(begin);
  if (start == std::string::npos) return {};
  std::istringstream lines(doc.substr(start + begin.size(), doc.find(kColumnTableEnd, start) - start - begin.size()));
  std::vector<std::tuple<std::string, std::string, std::string>> columns;
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // rule
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    if (cells.size() < 3 || cells[0].size() < 2) continue;
    columns.emplace_back(cells[0].substr(1, cells[0].size() - 2), cells[1], cells[2]);
  }
  return columns;
}

// Independently of the generator: the doc's tables, parsed, against the file the writer makes.
TEST_F(TraceSchemaTest, DocColumnTablesDescribeTheStoredFile) {
  const std::string doc = read_doc();
  const std::string trace = path("empty.h5");
  {
    TraceWriter writer(trace);
    writer.commit(metadata(""));  // no currency: units say "currency", as the doc does
  }
  const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  std::apply(
      [&](auto... rows) {
        for (const std::string_view dataset : {dataset_name<decltype(rows)>()...}) {
          const Id data{H5Dopen2(file.id, std::string(dataset).c_str(), H5P_DEFAULT), H5Dclose};
          ASSERT_GE(data.id, 0) << dataset;
          const Id type{H5Dget_type(data.id), H5Tclose};
          const std::vector<std::string> units = string_attribute(data.id, "units");
          std::vector<std::tuple<std::string, std::string, std::string>> stored;
          for (int i = 0; i < H5Tget_nmembers(type.id); ++i) {
            char* name = H5Tget_member_name(type.id, static_cast<unsigned>(i));
            const Id member{H5Tget_member_type(type.id, static_cast<unsigned>(i)), H5Tclose};
            stored.emplace_back(name, doc_type(member.id), units.at(static_cast<std::size_t>(i)));
            H5free_memory(name);
          }
          EXPECT_EQ(doc_columns(doc, std::string(dataset)), stored) << dataset;
        }
      },
      AllRecords{});
}

// The doc's hand-written expectations for one table, as a reader of the doc sees them.
TEST_F(TraceSchemaTest, DocOrdersTableIsTheKnownOne) {
  using C = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(doc_columns(read_doc(), "/orders"),
            (std::vector<C>{{"order", "u64", ""}, {"interval", "u32", ""}, {"participant", "u32", ""},
                            {"side", "u8", ""}, {"status", "u8", ""}, {"quantity_kwh", "f64", "kWh"},
                            {"limit_price_per_kwh", "f64", "currency/kWh"}, {"submitted_s", "f64", "s"},
                            {"arrived_s", "f64", "s"}, {"matched_kwh", "f64", "kWh"},
                            {"result_received_s", "f64", "s"}}));
}

}  // namespace
}  // namespace ebsim::trace
