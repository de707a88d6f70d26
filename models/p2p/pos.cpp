#include "models/p2p/pos.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "models/core/rng.hpp"
#include "models/p2p/leader_election.hpp"

namespace ebsim::p2p {

std::optional<std::size_t> pos_slot_leader(std::span<const double> stakes, std::uint64_t seed, std::uint64_t slot) {
  double total = 0.0;
  for (double stake : stakes) total += stake > 0.0 ? stake : 0.0;
  if (!(total > 0.0)) return std::nullopt;
  Rng rng(seed, "p2p/pos_slot", slot);
  const double target = rng.uniform() * total;
  double cumulative = 0.0;
  std::optional<std::size_t> last_positive;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    if (!(stakes[i] > 0.0)) continue;
    cumulative += stakes[i];
    last_positive = i;
    if (target < cumulative) return i;
  }
  return last_positive;  // rounding: target can land on the total itself
}

std::uint64_t slot_at(double t_s, double slot_s) { return static_cast<std::uint64_t>(std::floor(t_s / slot_s)); }

namespace {

/** Proof of stake at one node (p2p_node.hpp, FORGING): a validator wakes at every slot boundary
 * k * slot_s, from slot 1 on, and makes a block when pos_slot_leader names it. Every block has work 1. */
class ProofOfStake final : public LeaderElection {
 public:
  explicit ProofOfStake(const LeaderElectionParams& p)
      : slot_s_(p.block_interval_s), stakes_(p.shares), validator_(p.maker), seed_(p.schedule_seed) {}

  std::string_view name() const override { return "pos"; }
  std::uint8_t trace_code() const override { return 1; }
  double block_work() const override { return 1.0; }
  std::optional<ElectionTimer> start(double now_s, Rng&) override {
    if (!(slot_s_ > 0.0)) return std::nullopt;
    return slot_timer(slot_at(now_s, slot_s_) + 1, now_s);
  }
  std::optional<ElectionTimer> tip_changed(Rng&) override { return std::nullopt; }
  ElectionStep on_timer(std::uint64_t slot, double now_s) override {
    ElectionStep step;
    const auto leader = pos_slot_leader(stakes_, seed_, slot);
    if (leader && validator_ && *leader == *validator_) step.make_in_slot = slot;
    step.next = slot_timer(slot + 1, now_s);  // from the slot number, not the clock: k * T / T may round below k
    return step;
  }
  std::optional<ElectionCost> cost(std::uint64_t) const override { return std::nullopt; }

 private:
  /** The wake-up at the start of slot `next` (validators only). */
  std::optional<ElectionTimer> slot_timer(std::uint64_t next, double now_s) const {
    if (!validator_ || !(slot_s_ > 0.0)) return std::nullopt;
    return ElectionTimer{std::max(0.0, static_cast<double>(next) * slot_s_ - now_s), next & kElectionPayloadMask};
  }

  double slot_s_;
  std::vector<double> stakes_;
  std::optional<std::size_t> validator_;
  std::uint64_t seed_;
};

const LeaderElectionRegistration kRegistration("pos", [](const LeaderElectionParams& p) {
  return std::make_unique<ProofOfStake>(p);
});

}  // namespace

}  // namespace ebsim::p2p
