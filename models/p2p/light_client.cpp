#include "models/p2p/light_client.hpp"

#include <cmath>
#include <utility>

#include "models/core/rng.hpp"
#include "models/market/messages.hpp"
#include "models/p2p/p2p_node.hpp"

namespace ebsim::p2p {

double merkle_branch_bytes(std::size_t transactions) {
  std::size_t levels = 0;
  while ((std::size_t{1} << levels) < transactions) ++levels;
  return 32.0 * static_cast<double>(levels);
}

double light_proof_bytes(double header_bytes, std::uint64_t new_headers, std::optional<std::size_t> block_transactions) {
  double bytes = header_bytes * static_cast<double>(new_headers);
  if (block_transactions) bytes += merkle_branch_bytes(*block_transactions);
  return bytes;
}

std::vector<bool> choose_light_participants(std::size_t n, double share, std::uint64_t seed) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(seed, "p2p/light");
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);  // Fisher-Yates
  std::vector<bool> light(n, false);
  const auto count = static_cast<std::size_t>(std::llround(share * static_cast<double>(n)));
  for (std::size_t i = 0; i < count; ++i) light[order[i]] = true;
  return light;
}

void LightNode::on_message(NodeContext& ctx, const Message& msg) {
  if (msg.type == MessageType::kBid) {
    market::Order order = msg.as<market::BidBody>().order;
    order.arrived_s = ctx.now_s();
    orders_[order.interval] = order;
    auto tx = std::make_shared<Transaction>();
    tx->id = order.id;
    tx->sender = order.participant;
    tx->order = order;
    tx->fee = params_.fee;
    tx->size_bytes = params_.transaction_bytes;
    tx->created_s = ctx.now_s();
    auto txs = std::make_shared<TxBody>();
    txs->txs.push_back(std::move(tx));
    ctx.send(params_.server, Message{MessageType::kTx, kNoNode, kNoNode,
                                     params_.message_header_bytes + params_.transaction_bytes, 0.0, txs});
    auto query = std::make_shared<LightQueryBody>();
    query->order = order;
    ctx.send(params_.server, Message{MessageType::kQuery, kNoNode, kNoNode, params_.query_bytes, 0.0, query});
    return;
  }
  if (msg.type == MessageType::kResult && msg.from == params_.server) {
    const auto& answer = msg.as<LightAnswerBody>();
    finals_[answer.interval] = NodeFinal{answer.gate_block, ctx.now_s()};
    ctx.send(params_.owner, Message{answer.outcome_type, kNoNode, kNoNode, answer.outcome_bytes, 0.0, answer.outcome});
  }
}

}  // namespace ebsim::p2p
