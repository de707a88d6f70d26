#include "models/agents/generator.hpp"

#include <gtest/gtest.h>

#include "models/market/messages.hpp"
#include "tests/models/fake_node_context.hpp"

namespace ebsim::agents {
namespace {

using market::BidBody;
using market::Side;
using testing::FakeNodeContext;

/** Plant 4 on 15-min intervals: available 40, 20, 0 kW -> offers 10 and 5 kWh, nothing in interval 2,
 * each at its marginal cost 0.05/kWh whatever the market's strategy would say. */
TEST(Generator, OffersItsAvailableEnergyAtItsMarginalCost) {
  AgentParams agent;
  agent.id = 4;
  agent.market_node = 9;
  agent.timing.intervals = 3;
  agent.prices = {0.30, 0.08};
  GeneratorParams plant;
  plant.available_kw = {40.0, 20.0, 0.0};
  plant.marginal_cost_per_kwh = 0.05;
  plant.dispatchable = true;
  Generator g(agent, plant);
  FakeNodeContext ctx(3);
  g.on_start(ctx);
  while (ctx.fire_next_timer(g)) {
  }
  ASSERT_EQ(ctx.sent().size(), 2u);
  const market::Order& o0 = ctx.sent()[0].msg.as<BidBody>().order;
  const market::Order& o1 = ctx.sent()[1].msg.as<BidBody>().order;
  EXPECT_EQ(o0.side, Side::kSell);
  EXPECT_DOUBLE_EQ(o0.quantity_kwh, 10.0);
  EXPECT_DOUBLE_EQ(o0.limit_price_per_kwh, 0.05);
  EXPECT_EQ(o0.id, 4u * 3 + 0 + 1);
  EXPECT_DOUBLE_EQ(o1.quantity_kwh, 5.0);
  EXPECT_EQ(ctx.sent()[0].to, 9u);
  EXPECT_DOUBLE_EQ(g.meter(0).generation_kwh, 10.0);
  EXPECT_TRUE(g.meter(0).dispatchable);
  EXPECT_DOUBLE_EQ(g.meter(2).generation_kwh, 0.0);
  EXPECT_DOUBLE_EQ(g.meter(0).load_kwh, 0.0);
}

}  // namespace
}  // namespace ebsim::agents
