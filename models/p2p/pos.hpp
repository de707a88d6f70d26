#pragma once
/** Proof of stake as an option (SPEC §5): time is cut into slots and each slot has one leader,
 * drawn with probability proportional to stake. The draw depends only on (seed, slot), so every
 * node computes the same schedule without talking to anyone (a stand-in for a shared random
 * beacon such as Ouroboros' or Ethereum's RANDAO). pos.cpp also registers the "pos" leader
 * election (leader_election.hpp) built on these. */
#include <cstdint>
#include <optional>
#include <span>

namespace ebsim::p2p {

/** Index of the leader of `slot` among validators with stakes `stakes`: the first i with
 * u * total < stakes[0] + ... + stakes[i], u the one uniform draw of stream (seed, "p2p/pos_slot",
 * slot). Validators with stake <= 0 are never drawn. nullopt if no stake is positive. */
std::optional<std::size_t> pos_slot_leader(std::span<const double> stakes, std::uint64_t seed, std::uint64_t slot);

/** The slot that contains time t_s (slot k covers [k * slot_s, (k + 1) * slot_s)). REQUIRES: slot_s > 0, t_s >= 0. */
std::uint64_t slot_at(double t_s, double slot_s);

}  // namespace ebsim::p2p
