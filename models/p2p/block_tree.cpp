#include "models/p2p/block_tree.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

namespace ebsim::p2p {

void TxLocator::add(const Block& block) {
  if (!noted_.insert(block.id).second) return;
  for (const auto& tx : block.transactions) blocks_[tx->id].push_back(block.id);
}

const std::vector<BlockId>* TxLocator::blocks_of(TxId tx) const {
  const auto it = blocks_.find(tx);
  return it == blocks_.end() ? nullptr : &it->second;
}

BlockTree::BlockTree(BlockPtr genesis, BlockTreeParams params, std::shared_ptr<TxLocator> locator)
    : params_(params),
      locator_(locator ? std::move(locator) : std::make_shared<TxLocator>()),
      genesis_(std::move(genesis)),
      tip_(genesis_) {
  entries_.emplace(genesis_->id, Entry{genesis_, genesis_->work});
  best_chain_.push_back(genesis_->id);
}

std::string BlockTree::validate(const Block& block, const Entry& parent) const {
  if (block.height != parent.block->height + 1) return "height is not the parent's + 1";
  if (!(block.work > 0.0) || !std::isfinite(block.work)) return "work is not positive";
  const double declared = block_size_bytes(block.header_bytes, block.transactions);
  if (std::abs(declared - block.size_bytes) > 1e-9 * std::max(1.0, declared)) return "size is not header + transactions";
  if (block.size_bytes > params_.max_block_bytes) return "larger than the block size limit";
  std::vector<TxId> ids;  // every node checks every block: a sorted vector, not a set of nodes
  ids.reserve(block.transactions.size());
  for (const auto& tx : block.transactions) ids.push_back(tx->id);
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) return "a transaction appears twice";
  return {};
}

AddResult BlockTree::add(const BlockPtr& block) {
  AddResult result;
  if (entries_.contains(block->id) || orphan_parent_.contains(block->id)) return result;  // kDuplicate
  const auto parent = entries_.find(block->parent);
  if (parent == entries_.end()) {
    orphans_by_parent_[block->parent].push_back(block);
    orphan_parent_.emplace(block->id, block->parent);
    result.status = AddStatus::kOrphan;
    result.missing_parent = block->parent;
    return result;
  }
  if (std::string reason = validate(*block, parent->second); !reason.empty()) {
    result.status = AddStatus::kInvalid;
    result.reason = std::move(reason);
    return result;
  }

  // Insert the block, then every orphan that was waiting for it (and for those, recursively).
  std::deque<BlockPtr> queue{block};
  while (!queue.empty()) {
    BlockPtr next = std::move(queue.front());
    queue.pop_front();
    const Entry& parent_entry = entries_.at(next->parent);
    if (next != block && !validate(*next, parent_entry).empty()) continue;  // invalid orphan: dropped
    const double chain_work = parent_entry.chain_work + next->work;  // before emplace may rehash
    entries_.emplace(next->id, Entry{next, chain_work});
    locator_->add(*next);
    result.accepted.push_back(next);
    if (auto waiting = orphans_by_parent_.find(next->id); waiting != orphans_by_parent_.end()) {
      for (auto& orphan : waiting->second) {
        orphan_parent_.erase(orphan->id);
        queue.push_back(std::move(orphan));
      }
      orphans_by_parent_.erase(waiting);
    }
  }

  // Fork choice: the accepted block with the most work; ties -> the first accepted; it must beat
  // the current tip strictly (a tie keeps the branch seen first).
  const BlockPtr* best = nullptr;
  double best_work = 0.0;
  for (const auto& accepted : result.accepted) {
    const double work = entries_.at(accepted->id).chain_work;
    if (best == nullptr || work > best_work) {
      best = &accepted;
      best_work = work;
    }
  }
  if (best_work > tip_work()) {
    switch_tip((*best)->id, result);
    result.status = result.disconnected.empty() ? AddStatus::kExtendedTip : AddStatus::kReorganised;
  } else {
    result.status = AddStatus::kSideBranch;
  }
  return result;
}

void BlockTree::switch_tip(BlockId new_tip, AddResult& result) {
  // Walk back from the new tip to the first block on the best chain: the fork point.
  std::vector<BlockPtr> path;
  BlockId id = new_tip;
  while (!on_best_chain(id)) {
    const BlockPtr& b = entries_.at(id).block;
    path.push_back(b);
    id = b->parent;
  }
  const std::uint64_t fork_height = entries_.at(id).block->height;
  while (best_chain_.size() > fork_height + 1) {
    result.disconnected.push_back(entries_.at(best_chain_.back()).block);
    best_chain_.pop_back();
  }
  std::reverse(path.begin(), path.end());
  for (const auto& b : path) best_chain_.push_back(b->id);
  result.connected = std::move(path);
  tip_ = entries_.at(new_tip).block;
  if (!result.disconnected.empty()) {
    ++reorgs_;
    max_reorg_depth_ = std::max<std::uint64_t>(max_reorg_depth_, result.disconnected.size());
  }
}

bool BlockTree::contains(BlockId id) const { return entries_.contains(id); }
bool BlockTree::is_orphan(BlockId id) const { return orphan_parent_.contains(id); }

BlockPtr BlockTree::find(BlockId id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.block;
}

const BlockPtr& BlockTree::genesis() const { return genesis_; }
const BlockPtr& BlockTree::tip() const { return tip_; }
std::uint64_t BlockTree::height() const { return tip_->height; }
double BlockTree::tip_work() const { return entries_.at(tip_->id).chain_work; }
double BlockTree::chain_work(BlockId id) const { return entries_.at(id).chain_work; }
const std::vector<BlockId>& BlockTree::best_chain() const { return best_chain_; }

bool BlockTree::on_best_chain(BlockId id) const {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  const std::uint64_t h = it->second.block->height;
  return h < best_chain_.size() && best_chain_[h] == id;
}

std::uint64_t BlockTree::confirmations(BlockId id) const {
  if (!on_best_chain(id)) return 0;
  return height() - entries_.at(id).block->height + 1;
}

std::optional<BlockId> BlockTree::block_of(TxId tx) const {
  if (const std::vector<BlockId>* blocks = locator_->blocks_of(tx)) {
    for (const BlockId id : *blocks)
      if (on_best_chain(id)) return id;
  }
  return std::nullopt;
}

std::uint64_t BlockTree::tx_confirmations(TxId tx) const {
  const auto block = block_of(tx);
  return block ? confirmations(*block) : 0;
}

std::size_t BlockTree::size() const { return entries_.size(); }
std::size_t BlockTree::stale_count() const { return entries_.size() - best_chain_.size(); }
std::size_t BlockTree::orphan_count() const { return orphan_parent_.size(); }
std::uint64_t BlockTree::reorg_count() const { return reorgs_; }
std::uint64_t BlockTree::max_reorg_depth() const { return max_reorg_depth_; }

}  // namespace ebsim::p2p
