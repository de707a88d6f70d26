#include "models/p2p/double_spend.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>

#include "models/core/rng.hpp"
#include "models/p2p/pow.hpp"

namespace ebsim::p2p {

double catch_up_probability(double q, std::uint32_t z) {
  const double p = 1.0 - q;
  if (q >= p) return 1.0;
  return std::pow(q / p, static_cast<double>(z));
}

double nakamoto_success_probability(double q, std::uint32_t z) {
  // Nakamoto 2008 §11, AttackerSuccessProbability, line by line.
  const double p = 1.0 - q;
  if (q >= p) return 1.0;
  const double lambda = z * (q / p);
  double sum = 1.0;
  for (std::uint32_t k = 0; k <= z; ++k) {
    double poisson = std::exp(-lambda);
    for (std::uint32_t i = 1; i <= k; ++i) poisson *= lambda / i;
    sum -= poisson * (1.0 - std::pow(q / p, static_cast<double>(z - k)));
  }
  return sum;
}

double rosenfeld_success_probability(double q, std::uint32_t z) {
  const double p = 1.0 - q;
  if (q >= p || z == 0) return 1.0;
  if (q <= 0.0) return 0.0;
  // Rosenfeld's 1 - sum_{m<=z} C(m+z-1, m)(p^z q^m - q^z p^m) rearranged into positive terms, so
  // that tiny probabilities (large z) do not vanish in the cancellation of 1 - sum:
  //   P = sum_{m<=z} P(m) (q/p)^(z-m) + P(m > z),  P(m) = C(m+z-1, m) p^z q^m,
  // where P(m) (q/p)^(z-m) = C(m+z-1, m) q^z p^m, and P(m > z) = 1 - I_p(z, z+1), the upper
  // tail of the negative binomial (regularised incomplete beta, Boost.Math).
  const double zd = static_cast<double>(z);
  double caught_up = 0.0;
  for (std::uint32_t m = 0; m <= z; ++m) {
    const double md = static_cast<double>(m);
    const double log_term =
        std::lgamma(md + zd) - std::lgamma(md + 1.0) - std::lgamma(zd) + zd * std::log(q) + md * std::log(p);
    caught_up += std::exp(log_term);
  }
  const double ahead = boost::math::ibetac(zd, zd + 1.0, p);
  return caught_up + ahead;
}

std::uint32_t confirmations_needed(double q, double threshold, bool exact, std::uint32_t max_z) {
  for (std::uint32_t z = 0; z <= max_z; ++z) {
    const double probability = exact ? rosenfeld_success_probability(q, z) : nakamoto_success_probability(q, z);
    if (probability < threshold) return z;
  }
  return max_z + 1;
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z_score) {
  const double n = static_cast<double>(trials);
  const double phat = static_cast<double>(successes) / n;
  const double z2 = z_score * z_score;
  const double denominator = 1.0 + z2 / n;
  const double centre = (phat + z2 / (2.0 * n)) / denominator;
  const double half = z_score * std::sqrt(phat * (1.0 - phat) / n + z2 / (4.0 * n * n)) / denominator;
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

DoubleSpendEstimate simulate_double_spend(const DoubleSpendParams& params) {
  const double q = params.attacker_share;
  const double p = 1.0 - q;
  const std::int64_t z = params.confirmations;
  const auto max_deficit = static_cast<std::int64_t>(params.max_deficit);
  Rng rng(params.seed, "p2p/double_spend", 0);

  DoubleSpendEstimate out;
  out.trials = params.trials;
  out.exact = rosenfeld_success_probability(q, params.confirmations);
  out.nakamoto = nakamoto_success_probability(q, params.confirmations);
  double success_time_sum_s = 0.0;

  for (std::uint64_t trial = 0; trial < params.trials; ++trial) {
    if (!(p > 0.0)) {  // no honest miner: the attacker owns the chain (the formulas' 1)
      ++out.successes;
      continue;
    }
    std::int64_t honest = 0;    // H: honest blocks since the payment was broadcast
    std::int64_t attacker = 0;  // A: the attacker's private blocks since then
    double t_s = 0.0;
    while (true) {
      // The merchant has seen z confirmations once honest >= z; the attacker releases as soon
      // as it is then at least level (success convention in double_spend.hpp). Blocks the
      // attacker finds before that wait in private, so A >= z early still means success at H = z.
      if (honest >= z && attacker >= honest) {
        ++out.successes;
        success_time_sum_s += t_s;
        break;
      }
      if (honest >= z && honest - attacker >= max_deficit) break;
      // Both processes redraw after every block (memoryless); the earlier finds the block.
      const double honest_delay_s = next_block_delay_s(rng, p, params.block_interval_s);
      const double attacker_delay_s = next_block_delay_s(rng, q, params.block_interval_s);
      if (attacker_delay_s < honest_delay_s) {
        ++attacker;
        t_s += attacker_delay_s;
      } else {
        ++honest;
        t_s += honest_delay_s;
      }
    }
  }
  if (out.trials > 0) {
    out.estimate = static_cast<double>(out.successes) / static_cast<double>(out.trials);
    out.interval_99 = wilson_interval(out.successes, out.trials, kZ99);
  }
  if (out.successes > 0) out.mean_success_time_s = success_time_sum_s / static_cast<double>(out.successes);
  return out;
}

}  // namespace ebsim::p2p
