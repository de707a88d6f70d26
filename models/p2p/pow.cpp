#include "models/p2p/pow.hpp"

#include <cmath>
#include <limits>
#include <memory>

#include "models/p2p/leader_election.hpp"

namespace ebsim::p2p {

double next_block_delay_s(Rng& rng, double hash_share, double block_interval_s) {
  if (!(hash_share > 0.0)) return std::numeric_limits<double>::infinity();
  return rng.exponential(block_interval_s / hash_share);
}

double hashes_per_block(const PowParams& params) { return params.network_hash_rate_hps * params.block_interval_s; }

double bitcoin_difficulty(const PowParams& params) { return hashes_per_block(params) / 4294967296.0; }

double consensus_hashes(const PowParams& params, std::uint64_t blocks_mined) {
  return hashes_per_block(params) * static_cast<double>(blocks_mined);
}

double consensus_energy_j(const PowParams& params, std::uint64_t blocks_mined) {
  return consensus_hashes(params, blocks_mined) * params.joules_per_hash;
}

double stale_rate(double propagation_delay_s, double block_interval_s) {
  // -expm1 keeps precision when tau << T (the usual case: seconds against minutes).
  return -std::expm1(-propagation_delay_s / block_interval_s);
}

namespace {

/** Proof of work at one node (p2p_node.hpp, MINING): a maker with hash share h > 0 draws the delay
 * to its next block from next_block_delay_s and redraws whenever its tip changes; a timer drawn
 * for an older tip is recognised by its generation and ignored. */
class ProofOfWork final : public LeaderElection {
 public:
  explicit ProofOfWork(const LeaderElectionParams& p)
      : pow_{p.network_hash_rate_hps, p.block_interval_s, p.joules_per_hash},
        hash_share_(p.maker && *p.maker < p.shares.size() ? p.shares[*p.maker] : 0.0) {}

  std::string_view name() const override { return "pow"; }
  std::uint8_t trace_code() const override { return 0; }
  double block_work() const override { return hashes_per_block(pow_); }
  std::optional<ElectionTimer> start(double, Rng& rng) override { return draw(rng); }
  std::optional<ElectionTimer> tip_changed(Rng& rng) override {
    ++generation_;
    return draw(rng);
  }
  ElectionStep on_timer(std::uint64_t payload, double) override {
    ElectionStep step;
    if (payload != (generation_ & kElectionPayloadMask)) {
      step.stale = true;  // drawn for an old tip; the current tip has its own timer
    } else {
      step.make_in_slot = 0;  // the new block changes the tip, which draws the next timer
    }
    return step;
  }
  std::optional<ElectionCost> cost(std::uint64_t blocks_made) const override {
    return ElectionCost{consensus_hashes(pow_, blocks_made), consensus_energy_j(pow_, blocks_made)};
  }

 private:
  std::optional<ElectionTimer> draw(Rng& rng) const {
    if (!(hash_share_ > 0.0)) return std::nullopt;
    return ElectionTimer{next_block_delay_s(rng, hash_share_, pow_.block_interval_s), generation_ & kElectionPayloadMask};
  }

  PowParams pow_;
  double hash_share_;
  std::uint64_t generation_ = 0;  // tip changes seen; a timer carries the one it was drawn for
};

const LeaderElectionRegistration kRegistration("pow", [](const LeaderElectionParams& p) {
  return std::make_unique<ProofOfWork>(p);
});

}  // namespace

}  // namespace ebsim::p2p
