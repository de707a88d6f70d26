#include "sim/runtime.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <limits>
#include <stdexcept>

#include <xbt/config.hpp>


namespace sg4 = simgrid::s4u;

namespace ebsim::sim {

namespace {
constexpr double kForever = std::numeric_limits<double>::infinity();

/** Simulated time as [d+]hh:mm:ss for the progress bar. */
std::string clock_text(double seconds) {
  const auto total = static_cast<long long>(seconds);
  char buf[48];
  if (total >= 86400)
    std::snprintf(buf, sizeof buf, "%lldd+%02lld:%02lld:%02lld", total / 86400, total / 3600 % 24, total / 60 % 60,
                  total % 60);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  return buf;
}
}

/** Progress bar on stderr: shown once a run has taken a second of wall time. */
struct Runtime::Progress {
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  Clock::time_point last_print = start;
  bool printed = false;

  void update(double sim_now_s, double sim_end_s, std::uint64_t events, bool final) {
    const auto now = Clock::now();
    const double wall_s = std::chrono::duration<double>(now - start).count();
    if (!final && (wall_s < 1.0 || std::chrono::duration<double>(now - last_print).count() < 0.25)) return;
    if (final && !printed) return;
    last_print = now;
    printed = true;
    const double fraction = sim_end_s > 0 ? std::min(1.0, sim_now_s / sim_end_s) : 1.0;
    const int width = 24;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r[%.*s%*s] %3.0f%%  simulated %s of %s  wall %.1f s  %.0fk events/s ", filled,
                 "########################", width - filled, "", 100 * fraction,
                 clock_text(sim_now_s).c_str(), clock_text(sim_end_s).c_str(), wall_s,
                 wall_s > 0 ? events / wall_s / 1000 : 0.0);
    if (final) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
};

/** The NodeContext handed to a node for the duration of one event.
 *
 * A handler never yields to SimGrid: what it sends waits in the context's outbox and is handed
 * to the runtime when the handler has returned (same simulated time, same order). Why: handing a
 * message to a courier is a simcall, during which other actors run other handlers, possibly of
 * the same node, and a timer the handler just started could fire before the handler had
 * recorded that it started it (a p2p node's trickle timer was lost that way, leaving the node
 * silent for the rest of the run). */
class Runtime::Context final : public NodeContext {
 public:
  Context(Runtime& runtime, NodeId self) : runtime_(runtime), self_(self) {}
  double now_s() const override { return sg4::Engine::get_clock(); }
  NodeId self() const override { return self_; }
  void send(NodeId to, Message msg) override {
    msg.from = self_;
    msg.to = to;
    msg.sent_s = now_s();
    outbox_.push_back(Job{self_, pending_flops_, true, std::move(msg)});
    pending_flops_ = 0;
  }
  /** After the handler: submit its messages in order, and CPU work not followed by a send
   * (it still occupies the host). */
  void submit_outbox() {
    if (pending_flops_ > 0) outbox_.push_back(Job{self_, pending_flops_, false, {}});
    pending_flops_ = 0;
    std::vector<Job> jobs = std::move(outbox_);
    outbox_.clear();
    for (Job& job : jobs) runtime_.submit(std::move(job));
  }
  TimerId start_timer(double delay_s, std::uint64_t tag) override { return runtime_.add_timer(self_, delay_s, tag); }
  void compute(double flops) override { pending_flops_ += flops; }
  Rng& rng() override { return runtime_.nodes_[self_].rng; }

 private:
  Runtime& runtime_;
  NodeId self_;
  double pending_flops_ = 0.0;
  std::vector<Job> outbox_;
};

Runtime::Runtime(RuntimeOptions options, sg4::Host* control_host)
    : options_(options), control_host_(control_host), timer_mutex_(sg4::Mutex::create()),
      timer_cv_(sg4::ConditionVariable::create()) {
  if (options_.progress) progress_ = std::make_unique<Progress>();
  if (options_.role_names.empty()) options_.role_names.push_back("node");
  const std::size_t roles = options_.role_names.size();
  role_stats_.resize(kMessageTypeCount * roles * roles);
}

std::vector<LinkStats> Runtime::link_stats() const {
  std::vector<LinkStats> out;
  const std::size_t roles = options_.role_names.size();
  for (int t = 0; t < kMessageTypeCount; ++t) {
    for (std::size_t a = 0; a < roles; ++a) {
      for (std::size_t b = 0; b < roles; ++b) {
        const MessageStats& s = role_stats_[(t * roles + a) * roles + b];
        if (s.count == 0 && s.lost == 0) continue;
        out.push_back(LinkStats{static_cast<MessageType>(t), static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), s});
      }
    }
  }
  return out;
}

Runtime::~Runtime() = default;

NodeId Runtime::add_node(std::unique_ptr<Node> node, sg4::Host* host, const std::string& stream_name,
                         std::uint64_t stream_index, std::uint8_t role) {
  if (role >= options_.role_names.size()) throw std::logic_error("Runtime::add_node: unknown role");
  nodes_.push_back(NodeSlot{std::move(node), host, Rng(options_.seed, stream_name, stream_index), {}, 0, role});
  return static_cast<NodeId>(nodes_.size() - 1);
}

template <typename Handler>
void Runtime::dispatch(NodeId id, Handler&& handler) {
  if (failure_) return;
  ++events_;
  try {
    Context ctx(*this, id);
    handler(*nodes_[id].node, ctx);
    ctx.submit_outbox();
  } catch (const std::exception& e) {
    failure_ = e.what();
    timer_cv_->notify_all();  // let the timer actor see the failure and end the run
  }
  wake_timer_actor_if_due();
  if (progress_ && (events_ & 1023) == 0) note_progress();
}

void Runtime::note_progress() {
  progress_->update(sg4::Engine::get_clock(), options_.progress_end_s, events_, false);
}

TimerId Runtime::add_timer(NodeId node, double delay_s, std::uint64_t tag) {
  const TimerId id = ++timer_seq_;
  const double at_s = sg4::Engine::get_clock() + std::max(0.0, delay_s);
  timers_.push(TimerEntry{at_s, id, node, id, tag, nullptr});
  note_timer_added(at_s);
  return id;
}

void Runtime::note_timer_added(double at_s) {
  // Not notified here: this runs inside a handler, which must not yield (Context).
  if (timer_wait_until_s_ >= 0 && at_s < timer_wait_until_s_) timer_wakeup_due_ = true;
}

void Runtime::wake_timer_actor_if_due() {
  if (!timer_wakeup_due_) return;
  timer_wakeup_due_ = false;
  if (timer_wait_until_s_ >= 0) timer_cv_->notify_all();
}

void Runtime::submit(Job job) {
  if (deliver_uncontended(job)) return;
  ++jobs_in_flight_;
  NodeSlot& slot = nodes_[job.from];
  if (slot.sending >= options_.max_parallel_sends) {
    slot.waiting.push_back(std::move(job));
    return;
  }
  ++slot.sending;
  hand_to_courier(std::move(job));
}

bool Runtime::deliver_uncontended(Job& job) {
  if (!(options_.uncontended_bytes > 0) || !job.carries_message || job.flops > 0 ||
      job.msg.size_bytes > options_.uncontended_bytes)
    return false;
  Message& msg = job.msg;
  double delay_s = 0.0;
  if (link_filter_) {
    const LinkEffect effect = link_filter_(job.from, msg.to, sg4::Engine::get_clock());
    if (effect.lost) {
      const std::size_t roles = options_.role_names.size();
      ++stats_[static_cast<int>(msg.type)].lost;
      ++role_stats_[(static_cast<std::size_t>(msg.type) * roles + nodes_[job.from].role) * roles + nodes_[msg.to].role].lost;
      return true;
    }
    delay_s += effect.extra_delay_s;
  }
  if (nodes_[job.from].host != nodes_[msg.to].host) delay_s += uncontended_transfer_s(job.from, msg.to, std::ceil(msg.size_bytes));
  const double at_s = sg4::Engine::get_clock() + delay_s;
  const std::uint64_t seq = ++timer_seq_;
  const NodeId to = msg.to;
  timers_.push(TimerEntry{at_s, seq, to, 0, 0, std::make_shared<const Message>(std::move(msg))});
  note_timer_added(at_s);
  return true;
}

double Runtime::uncontended_transfer_s(NodeId from_node, NodeId to_node, double bytes) {
  // Why two caches: a gossip node sends to the same few peers all run long, and a scan of its own
  // short list stays in cache, where a run-wide hash map of every pair missed it (5 % of a
  // 10,000-node run); a node with more receivers (an exchange, a light-client server) spills to the map.
  const RouteCost* cost = nullptr;
  auto& near = nodes_[from_node].near_routes;
  for (const auto& [to, c] : near) {
    if (to == to_node) {
      cost = &c;
      break;
    }
  }
  if (!cost && near.size() < kNearRoutes) {
    near.emplace_back(to_node, route_cost(from_node, to_node));
    cost = &near.back().second;
  }
  if (!cost) {
    auto [it, inserted] = routes_.try_emplace((std::uint64_t{from_node} << 32) | to_node);
    if (inserted) it->second = route_cost(from_node, to_node);
    cost = &it->second;
  }
  return cost->latency_s + (std::isfinite(cost->bandwidth) ? bytes / cost->bandwidth : 0.0);
}

Runtime::RouteCost Runtime::route_cost(NodeId from_node, NodeId to_node) const {
  sg4::Host* from = nodes_[from_node].host;
  sg4::Host* to = nodes_[to_node].host;
  // What the network model gives a lone message: latency and bandwidth scaled by the
  // model's factors (CM02: 1 and 1; LV08: 13.01 and 0.97, SIMGRID-NOTES). With
  // network/crosstraffic (on by default) SimGrid also charges the flow 0.05 per byte on the
  // links of the reverse route (the ACKs), so a link used both ways gives it bandwidth / 1.05.
  std::vector<sg4::Link*> links, back;
  double latency_s = 0.0, back_latency_s = 0.0;
  from->route_to(to, links, &latency_s);
  const bool crosstraffic = simgrid::config::get_value<bool>("network/crosstraffic");
  if (crosstraffic) to->route_to(from, back, &back_latency_s);
  double bandwidth = std::numeric_limits<double>::infinity();
  for (const sg4::Link* link : links) {
    const bool both_ways = std::find(back.begin(), back.end(), link) != back.end();
    bandwidth = std::min(bandwidth, link->get_bandwidth() / (both_ways ? 1.05 : 1.0));
  }
  return RouteCost{latency_s * simgrid::config::get_value<double>("network/latency-factor"),
                   bandwidth * simgrid::config::get_value<double>("network/bandwidth-factor")};
}

void Runtime::record_transfer(const Message& msg, NodeId from) {
  const std::size_t roles = options_.role_names.size();
  MessageStats& stats = stats_[static_cast<int>(msg.type)];
  MessageStats& link = role_stats_[(static_cast<std::size_t>(msg.type) * roles + nodes_[from].role) * roles +
                                   nodes_[msg.to].role];
  const double transfer_s = sg4::Engine::get_clock() - msg.sent_s;
  for (MessageStats* s : {&stats, &link}) {
    ++s->count;
    s->bytes += static_cast<std::uint64_t>(std::ceil(msg.size_bytes));
    s->transfer_sum_s += transfer_s;
    s->transfer_max_s = std::max(s->transfer_max_s, transfer_s);
  }
}

void Runtime::hand_to_courier(Job job) {
  // Every s4u call below (creating a mutex, an actor, notifying) is a simcall: this actor
  // yields and other couriers run before it resumes. So a courier is claimed (popped from the
  // idle list, or appended with its job already set) with no s4u call in between, or two
  // actors could claim the same one and one job would be lost.
  if (!idle_couriers_.empty()) {
    const std::size_t index = idle_couriers_.back();
    idle_couriers_.pop_back();
    couriers_[index]->job = std::move(job);
    couriers_[index]->cv->notify_one();
    return;
  }
  auto courier = std::make_unique<Courier>();
  courier->mutex = sg4::Mutex::create();
  courier->cv = sg4::ConditionVariable::create();
  courier->job = std::move(job);
  const std::size_t index = couriers_.size();
  couriers_.push_back(std::move(courier));
  // Daemons: they wait forever for work and must not keep the simulation alive.
  sg4::Actor::create("courier-" + std::to_string(index), control_host_, [this, index] { courier_loop(index); })
      ->daemonize();
}

void Runtime::courier_loop(std::size_t index) {
  Courier& courier = *couriers_[index];
  std::unique_lock lock(*courier.mutex);
  while (true) {
    while (!courier.job) courier.cv->wait(lock);
    Job job = std::move(*courier.job);
    courier.job.reset();
    carry(job);
    job_done(job.from, index);
  }
}

void Runtime::carry(Job& job) {
  sg4::Host* from_host = nodes_[job.from].host;
  if (job.flops > 0) sg4::this_actor::exec_init(job.flops)->set_host(from_host)->wait();
  if (!job.carries_message) return;
  Message& msg = job.msg;
  const std::size_t roles = options_.role_names.size();
  MessageStats& stats = stats_[static_cast<int>(msg.type)];
  MessageStats& link = role_stats_[(static_cast<std::size_t>(msg.type) * roles + nodes_[job.from].role) * roles +
                                   nodes_[msg.to].role];
  if (link_filter_) {
    const LinkEffect effect = link_filter_(job.from, msg.to, sg4::Engine::get_clock());
    if (effect.lost) {
      ++stats.lost;
      ++link.lost;
      return;
    }
    if (effect.extra_delay_s > 0) sg4::this_actor::sleep_for(effect.extra_delay_s);
  }
  sg4::Host* to_host = nodes_[msg.to].host;
  if (to_host != from_host) sg4::Comm::sendto(from_host, to_host, static_cast<std::uint64_t>(std::ceil(msg.size_bytes)));
  record_transfer(msg, job.from);
  dispatch(msg.to, [&msg](Node& node, NodeContext& ctx) { node.on_message(ctx, msg); });
}

void Runtime::job_done(NodeId from, std::size_t courier_index) {
  --jobs_in_flight_;
  NodeSlot& slot = nodes_[from];
  if (!slot.waiting.empty()) {
    // Keep this sender's pipe full: its next queued message goes out on this courier.
    couriers_[courier_index]->job = std::move(slot.waiting.front());
    slot.waiting.pop_front();
  } else {
    --slot.sending;
    idle_couriers_.push_back(courier_index);
  }
  if (jobs_in_flight_ == 0 && timer_wait_until_s_ >= 0) timer_cv_->notify_all();
}

void Runtime::timer_loop() {
  std::unique_lock lock(*timer_mutex_);
  for (NodeId id = 0; id < nodes_.size(); ++id)
    dispatch(id, [](Node& node, NodeContext& ctx) { node.on_start(ctx); });
  while (!failure_) {
    if (timers_.empty()) {
      if (jobs_in_flight_ == 0) break;  // nothing scheduled, nothing on the wire: done
      timer_wait_until_s_ = kForever;
      timer_cv_->wait(lock);
      timer_wait_until_s_ = -1;
      continue;
    }
    const TimerEntry next = timers_.top();
    // A wake-up computed as now + (at - now) can land an ulp short of `at`: fire it anyway
    // rather than wait again for a zero-length timeout.
    if (next.at_s - sg4::Engine::get_clock() > 1e-9 * std::max(1.0, next.at_s)) {
      timer_wait_until_s_ = next.at_s;
      timer_cv_->wait_until(lock, next.at_s);
      timer_wait_until_s_ = -1;
      continue;
    }
    timers_.pop();
    if (next.delivery) {
      record_transfer(*next.delivery, next.delivery->from);
      dispatch(next.node, [&next](Node& node, NodeContext& ctx) { node.on_message(ctx, *next.delivery); });
      continue;
    }
    dispatch(next.node, [&next](Node& node, NodeContext& ctx) { node.on_timer(ctx, next.id, next.tag); });
  }
}

void Runtime::run() {
  sg4::Actor::create("timers", control_host_, [this] { timer_loop(); });
  sg4::Engine::get_instance()->run();
  if (progress_) progress_->update(sg4::Engine::get_clock(), options_.progress_end_s, events_, true);
}

}  // namespace ebsim::sim
