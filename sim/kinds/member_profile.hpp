#pragma once
/** The per-interval power profile of one member of a group, from its group's profile section:
 * a synthetic profile drawn from the member's own named random stream, or the group's CSV. */
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace ebsim::sim {

/** Whose profile a ProfileSpec is: a load or a solar (PV) output. */
enum class ProfileShape { kLoad, kSolar };

/** Mean power per interval, kW, of member `member` (empty for ProfileSpec::Kind::kNone).
 * `stream` names the random stream ("load/<group>", "pv/<group>", ...). */
std::vector<double> member_profile_kw(const Scenario& sc, const ProfileSpec& spec, ProfileShape shape,
                                      const std::string& stream, std::uint64_t member);

}  // namespace ebsim::sim
