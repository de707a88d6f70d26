#include "models/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ebsim {
namespace {

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  Rng a(42, "load", 7), b(42, "load", 7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, DifferentStreamsDiffer) {
  Rng a(42, "load", 7), b(42, "load", 8), c(42, "pv", 7);
  EXPECT_NE(a.next_u64(), b.next_u64());
  EXPECT_NE(Rng(42, "load", 7).next_u64(), c.next_u64());
}

TEST(Rng, UniformMomentsMatchTheory) {
  // Mean 1/2 and variance 1/12; with n = 200000 the standard error of the mean is 6.5e-4.
  Rng rng(1, "moments");
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(Rng, NormalAndExponentialMoments) {
  Rng rng(3, "dist");
  const int n = 200000;
  double s = 0, s2 = 0, e = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    s += z;
    s2 += z * z;
    e += rng.exponential(2.5);
  }
  EXPECT_NEAR(s / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
  EXPECT_NEAR(e / n, 2.5, 4 * 2.5 / std::sqrt(n));
}

TEST(Rng, BelowIsUniformOverSmallRange) {
  Rng rng(9, "below");
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) ++counts[rng.below(3)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);  // ~4.9 sigma
}

}  // namespace
}  // namespace ebsim
