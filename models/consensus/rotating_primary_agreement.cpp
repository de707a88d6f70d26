// The "rotating_primary" agreement protocol (seed 003 §2-4, the default): once every area its
// trades touch and a majority of the management nodes have co-signed, the acting primary's block
// is final; the primary appends it and sends it to every other management node, which verifies
// and appends it. Primaries rotate per the schedule; a silent or refused one is replaced by the
// next in the rotation (rotation.hpp), so this protocol keeps no state of its own.
#include <memory>
#include <string>
#include <string_view>

#include "models/consensus/agreement.hpp"
#include "models/consensus/consortium_rounds.hpp"

namespace ebsim::consensus {

namespace {

/** Publication of the primary's co-signed block. */
class RotatingPrimary final : public AgreementProtocol {
 public:
  static constexpr std::string_view kName = "rotating_primary";

  explicit RotatingPrimary(AgreementHost& host) : host_(host) {}

  std::string_view name() const override { return kName; }

  void publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) override {
    const ManagementNodeParams& p = host_.params();
    const double size = block_wire_bytes(*body->block, p.sizes);
    const auto count = static_cast<std::uint32_t>(p.management_nodes.size());
    for (std::uint32_t m = 0; m < count; ++m)
      if (m != p.index) host_.send_to(ctx, m, MessageType::kBlock, size, body);
    host_.append_own(ctx, body);
    host_.round_final(outcome);
  }
  // Blocks travel as kBlock, which the node's chain store takes: nothing else of its own.
  void on_message(NodeContext&, const Message&) override {}
  void on_timer(NodeContext&, IntervalIndex, std::uint32_t) override {}
  void on_final(IntervalIndex) override {}
  void on_crash() override {}

 private:
  AgreementHost& host_;
};

const AgreementProtocolRegistration kRegistration(std::string(RotatingPrimary::kName), [](AgreementHost& host) {
  return std::make_unique<RotatingPrimary>(host);
});

}  // namespace

}  // namespace ebsim::consensus
