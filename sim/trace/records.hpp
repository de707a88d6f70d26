#pragma once
/** The schema of every table of the HDF5 trace, written once: per table its record struct (one
 * row), dataset path, description and columns (C++ type, name, default, unit, one-line doc),
 * declared with EBSIM_TRACE_TABLE (sim/trace/schema.hpp). The writer's and the reader's compound
 * types and the column tables of docs/trace-format.md (`ebsim trace-doc`) all follow from it.
 * Units are in the names and in `unit` ("{currency}": the run's currency). Payments: positive
 * means the participant pays. To add a table: declare it here and append it to AllRecords. */
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <tuple>

#include "sim/trace/schema.hpp"

namespace ebsim::trace {

/** /groups: one row per participant group of the scenario. */
#define EBSIM_TRACE_GROUP_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, group, 0, "", "group index, in scenario order") \
  COLUMN(NameChars, name, {}, "", "group name from the scenario") \
  COLUMN(std::uint8_t, type, 0, "", "0 prosumer, 1 consumer") \
  COLUMN(std::uint32_t, count, 0, "", "participants in the group") \
  COLUMN(std::uint8_t, strategy, 0, "", "bidding strategy: 0 truthful, 1 zero_intelligence")
EBSIM_TRACE_TABLE(GroupRecord, "/groups", "one row per participant group of the scenario", kSmallTableMaxChunkRows,
                  EBSIM_TRACE_GROUP_COLUMNS);

/** /participants: one row per participant. */
#define EBSIM_TRACE_PARTICIPANT_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, participant, 0, "", "participant id (dense, 0-based)") \
  COLUMN(std::uint32_t, group, 0, "", "its `/groups.group`") \
  COLUMN(std::uint32_t, node, 0, "", "runtime node id") \
  COLUMN(double, pv_peak_kw, 0.0, "kW", "PV peak power; 0 without PV") \
  COLUMN(double, battery_capacity_kwh, 0.0, "kWh", "battery capacity; 0 without battery") \
  COLUMN(double, battery_power_kw, 0.0, "kW", "battery charge/discharge power limit") \
  COLUMN(double, access_latency_s, 0.0, "s", "one-way latency of its access link") \
  COLUMN(double, access_bandwidth_bytes_per_s, 0.0, "B/s", "bandwidth of its access link")
EBSIM_TRACE_TABLE(ParticipantRecord, "/participants", "one row per participant", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_PARTICIPANT_COLUMNS);

/** /orders: every order sent, admitted or not. */
#define EBSIM_TRACE_ORDER_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, order, 0, "", "order id, unique in the run") \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval the order is for") \
  COLUMN(std::uint32_t, participant, 0, "", "who sent it") \
  COLUMN(std::uint8_t, side, 0, "", "0 buy (bid), 1 sell (offer)") \
  COLUMN(std::uint8_t, status, 0, "", "see *Codes*") \
  COLUMN(double, quantity_kwh, 0.0, "kWh", "quantity offered or wanted over the interval") \
  COLUMN(double, limit_price_per_kwh, 0.0, "{currency}/kWh", "buy: the most it pays; sell: the least it accepts") \
  COLUMN(double, submitted_s, 0.0, "s", "simulated time the participant sent it") \
  COLUMN(double, arrived_s, 0.0, "s", "simulated time the market received it") \
  COLUMN(double, matched_kwh, 0.0, "kWh", "quantity traded locally") \
  COLUMN(double, result_received_s, -1.0, "s", "simulated time the participant received its result; `-1` if none " \
         "(e.g. late)")
EBSIM_TRACE_TABLE(OrderRecord, "/orders", "every order sent, admitted or not", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_ORDER_COLUMNS);

/** /trades: every local trade. */
#define EBSIM_TRACE_TRADE_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint64_t, buy_order, 0, "", "`/orders.order` of the bid, or a grid party order id (below)") \
  COLUMN(std::uint64_t, sell_order, 0, "", "`/orders.order` of the offer, or a grid party order id (below)") \
  COLUMN(std::uint32_t, buyer, 0, "", "buying participant, or 4294967295 for the grid party") \
  COLUMN(std::uint32_t, seller, 0, "", "selling participant, or 4294967295 for the grid party") \
  COLUMN(double, quantity_kwh, 0.0, "kWh", "energy traded") \
  COLUMN(double, price_per_kwh, 0.0, "{currency}/kWh", "price of this trade: what the buyer pays") \
  COLUMN(double, seller_price_per_kwh, 0.0, "{currency}/kWh", "what the seller receives; equal to " \
         "`price_per_kwh` except under `nodal`, where buyer and seller each get the LMP of their own bus and the " \
         "exchange keeps `quantity_kwh * (price_per_kwh - seller_price_per_kwh)` (congestion rent, in " \
         "`/intervals.exchange_received`)")
EBSIM_TRACE_TABLE(TradeRecord, "/trades", "every local trade", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_TRADE_COLUMNS);

/** /intervals: one row per delivery interval: market result and totals. */
#define EBSIM_TRACE_INTERVAL_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "interval index") \
  COLUMN(double, delivery_start_s, 0.0, "s", "simulated time delivery starts") \
  COLUMN(std::int64_t, delivery_start_unix_s, 0, "s", "the same instant as Unix time") \
  COLUMN(double, gate_closure_s, 0.0, "s", "simulated time the book closed") \
  COLUMN(std::uint32_t, bids, 0, "", "admitted buy orders") \
  COLUMN(std::uint32_t, offers, 0, "", "admitted sell orders") \
  COLUMN(std::uint32_t, rejected_late, 0, "", "orders rejected as late") \
  COLUMN(std::uint32_t, rejected_other, 0, "", "orders rejected for another reason") \
  COLUMN(std::uint32_t, trades, 0, "", "local trades (the grid party's included)") \
  COLUMN(std::uint8_t, has_price, 0, "", "1 if the market found a clearing price") \
  COLUMN(double, clearing_price_per_kwh, 0.0, "{currency}/kWh", "the uniform price for `pay_as_clear` and " \
         "`fixed_price`; for rules with a price per trade (`pay_as_bid`, `cda`, `posted_price`, `nodal`) the " \
         "volume-weighted mean buyer price; NaN when nothing cleared") \
  COLUMN(double, cleared_kwh, 0.0, "kWh", "energy cleared locally (the grid party's trades included)") \
  COLUMN(double, declared_welfare, 0.0, "{currency}", "welfare measured at the declared (bid/offer) prices; a " \
         "grid party side counts at its bus's LMP") \
  COLUMN(double, load_kwh, 0.0, "kWh", "total consumption") \
  COLUMN(double, pv_kwh, 0.0, "kWh", "total PV generation") \
  COLUMN(double, battery_charge_kwh, 0.0, "kWh", "total drawn into batteries (at the meter)") \
  COLUMN(double, battery_discharge_kwh, 0.0, "kWh", "total delivered by batteries (at the meter)") \
  COLUMN(double, utility_import_kwh, 0.0, "kWh", "sold by the utility to participants") \
  COLUMN(double, utility_export_kwh, 0.0, "kWh", "bought by the utility from participants") \
  COLUMN(double, participants_paid, 0.0, "{currency}", "sum of participants' total payments") \
  COLUMN(double, utility_received, 0.0, "{currency}", "the utility's net revenue") \
  COLUMN(double, exchange_received, 0.0, "{currency}", "the exchange's net revenue (fees, and under `nodal` the " \
         "congestion rent)") \
  COLUMN(double, grid_party_sold_kwh, 0.0, "kWh", "what the case's generators sold (the grid party; 0 unless " \
         "`grid.case_units: include`)") \
  COLUMN(double, grid_party_bought_kwh, 0.0, "kWh", "what the case's loads bought (the grid party; 0 unless " \
         "`grid.case_units: include`)") \
  COLUMN(double, grid_party_received, 0.0, "{currency}", "the grid party's net revenue: sales at its generators' " \
         "LMPs minus purchases at its loads' LMPs minus the exchange fee on both; `participants_paid = " \
         "utility_received + exchange_received + grid_party_received`") \
  COLUMN(double, energy_imbalance_kwh, 0.0, "kWh", "checked invariant, must be ≈ 0") \
  COLUMN(double, money_imbalance, 0.0, "{currency}", "checked invariant, must be ≈ 0")
EBSIM_TRACE_TABLE(IntervalRecord, "/intervals",
                  "one row per delivery interval: market result and totals",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_INTERVAL_COLUMNS);

/** /settlement: one row per participant and interval. */
#define EBSIM_TRACE_SETTLEMENT_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "interval index") \
  COLUMN(std::uint32_t, participant, 0, "", "participant id") \
  COLUMN(double, load_kwh, 0.0, "kWh", "consumption") \
  COLUMN(double, pv_kwh, 0.0, "kWh", "PV generation") \
  COLUMN(double, battery_charge_kwh, 0.0, "kWh", "drawn at the meter") \
  COLUMN(double, battery_discharge_kwh, 0.0, "kWh", "delivered at the meter") \
  COLUMN(double, soc_end_kwh, 0.0, "kWh", "battery state of charge at the end of the interval") \
  COLUMN(double, market_buy_kwh, 0.0, "kWh", "bought on the local market") \
  COLUMN(double, market_sell_kwh, 0.0, "kWh", "sold on the local market") \
  COLUMN(double, utility_import_kwh, 0.0, "kWh", "bought from the utility") \
  COLUMN(double, utility_export_kwh, 0.0, "kWh", "sold to the utility") \
  COLUMN(double, market_payment, 0.0, "{currency}", "purchases minus sales at the market price") \
  COLUMN(double, fee_payment, 0.0, "{currency}", "exchange fees") \
  COLUMN(double, utility_payment, 0.0, "{currency}", "imports at retail minus exports at feed-in") \
  COLUMN(double, total_payment, 0.0, "{currency}", "total")
EBSIM_TRACE_TABLE(SettlementRecord, "/settlement", "one row per participant and interval", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_SETTLEMENT_COLUMNS);

/** /line_flows: with a grid, one row per interval and branch (bus-branch: DC flow of the interval's
 * final trades by PTDF) or tie-line (zonal: a transport pattern carrying the zones' net exports,
 * check_transfers, with capacities lifted when they do not fit, so an overload shows; unique on a
 * radial zone graph, one of many on a meshed one). Only the participants' trades, as the security
 * check sees them. */
#define EBSIM_TRACE_LINE_FLOW_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, branch, 0, "", "0-based row of the case file's branch matrix, or tie-line position in " \
         "`grid.tie_lines`") \
  COLUMN(std::int64_t, from_bus, 0, "", "its from bus (`F_BUS`), or the tie-line's first zone id (1, 2, ... in " \
         "`grid.zones` order)") \
  COLUMN(std::int64_t, to_bus, 0, "", "its to bus (`T_BUS`), or the second zone id") \
  COLUMN(double, flow_mw, 0.0, "MW", "bus-branch: the DC flow (PTDF) of the trades, positive from -> to. Zonal: " \
         "a transport pattern carrying the zones' net exports (max-flow; capacities lifted when the exports do " \
         "not fit, so an overload shows); unique on a radial zone graph, one of many on a meshed one") \
  COLUMN(double, limit_mw, 0.0, "MW", "`RATE_A`, or the tie-line's capacity; 0: unlimited")
EBSIM_TRACE_TABLE(LineFlowRecord, "/line_flows",
                  "with a grid: each branch's (or tie-line's) flow of each interval's final trades",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_LINE_FLOW_COLUMNS);

/** /security_checks: one row per iteration of the grid security check (grid.security_check:
 * cancel_last) that found an overloaded branch and cancelled a trade; no rows without overloads. */
#define EBSIM_TRACE_SECURITY_CHECK_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, iteration, 0, "", "0, 1, ... within the interval") \
  COLUMN(std::uint32_t, branch, 0, "", "the most overloaded branch (largest |flow| / limit): 0-based row of the " \
         "case file's branch matrix") \
  COLUMN(std::int64_t, from_bus, 0, "", "its from bus (external number, `F_BUS`)") \
  COLUMN(std::int64_t, to_bus, 0, "", "its to bus (`T_BUS`)") \
  COLUMN(double, flow_mw, 0.0, "MW", "the trades' flow on it before this cancellation, positive from -> to") \
  COLUMN(double, limit_mw, 0.0, "MW", "its `RATE_A`") \
  COLUMN(std::uint64_t, buy_order, 0, "", "the cancelled trade's buy order") \
  COLUMN(std::uint64_t, sell_order, 0, "", "the cancelled trade's sell order") \
  COLUMN(std::uint32_t, buyer, 0, "", "its buyer") \
  COLUMN(std::uint32_t, seller, 0, "", "its seller") \
  COLUMN(double, quantity_kwh, 0.0, "kWh", "its quantity (traded with the utility instead)") \
  COLUMN(std::uint32_t, cancelled_in_interval, 0, "", "trades cancelled in this interval (the same in each of " \
         "its rows)") \
  COLUMN(std::uint32_t, node, 0xFFFFFFFF, "", "consortium: the management node whose area or tie-line check " \
         "objected; 0xFFFFFFFF: the centralized exchange")
EBSIM_TRACE_TABLE(SecurityCheckRecord, "/security_checks",
                  "one row per security-check iteration that cancelled a trade",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_SECURITY_CHECK_COLUMNS);

/** /messages: one row per message type. */
#define EBSIM_TRACE_MESSAGE_STAT_COLUMNS(COLUMN) \
  COLUMN(NameChars, type, {}, "", "message type, e.g. `bid`") \
  COLUMN(std::uint64_t, count, 0, "", "messages sent") \
  COLUMN(std::uint64_t, bytes, 0, "B", "total payload size") \
  COLUMN(double, mean_transfer_s, 0.0, "s", "mean time from send to delivery") \
  COLUMN(double, max_transfer_s, 0.0, "s", "longest time from send to delivery") \
  COLUMN(std::uint64_t, lost, 0, "", "messages dropped by a link fault (`faults.links`); not in `count`")
EBSIM_TRACE_TABLE(MessageStatRecord, "/messages", "one row per message type", kSmallTableMaxChunkRows,
                  EBSIM_TRACE_MESSAGE_STAT_COLUMNS);

/** /link_messages: traffic by message type and by the kinds of node at both ends. */
#define EBSIM_TRACE_LINK_MESSAGE_COLUMNS(COLUMN) \
  COLUMN(NameChars, type, {}, "", "message type") \
  COLUMN(NameChars, from_role, {}, "", "kind of the sending node") \
  COLUMN(NameChars, to_role, {}, "", "kind of the receiving node") \
  COLUMN(std::uint64_t, count, 0, "", "messages delivered") \
  COLUMN(std::uint64_t, bytes, 0, "B", "their total size") \
  COLUMN(std::uint64_t, lost, 0, "", "messages dropped by a link fault") \
  COLUMN(double, mean_transfer_s, 0.0, "s", "mean time from send to delivery") \
  COLUMN(double, max_transfer_s, 0.0, "s", "longest")
EBSIM_TRACE_TABLE(LinkMessageRecord, "/link_messages",
                  "traffic by message type and the kinds of node at both ends",
                  kSmallTableMaxChunkRows, EBSIM_TRACE_LINK_MESSAGE_COLUMNS);

/** /cpu: CPU time charged per market node (seconds on the calibration machine, docs/ledger.md). */
#define EBSIM_TRACE_CPU_COLUMNS(COLUMN) \
  COLUMN(NameChars, role, {}, "", "`participants` (all of them summed) or `management_node`") \
  COLUMN(std::uint32_t, id, 0, "", "management node index; 0 for the participants' row") \
  COLUMN(double, crypto_s, 0.0, "s", "signing, verifying, encrypting, decrypting, hashing") \
  COLUMN(double, clearing_s, 0.0, "s", "clearing and re-clearing")
EBSIM_TRACE_TABLE(CpuRecord, "/cpu",
                  "CPU time charged per market node (seconds on the calibration machine)",
                  kSmallTableMaxChunkRows, EBSIM_TRACE_CPU_COLUMNS);

// ---- Consortium chain (docs/ledger.md gives the byte encodings the hashes and signatures cover) ----

/** /ledger_keys: the public signing key of every participant and management node. */
#define EBSIM_TRACE_LEDGER_KEY_COLUMNS(COLUMN) \
  COLUMN(std::uint8_t, kind, 0, "", "0 participant, 1 management node") \
  COLUMN(std::uint32_t, id, 0, "", "participant id or management node index") \
  COLUMN(std::uint32_t, area, 0, "", "the management node that admitted the participant (a node: its own index)") \
  COLUMN(std::uint8_t, key_length, 0, "B", "bytes of `key` used; 0 for participants with `crypto: modeled`") \
  COLUMN(BlobBytes, key, {}, "", "public signing key (Ed25519 32 bytes; SM2 65-byte uncompressed point)")
EBSIM_TRACE_TABLE(LedgerKeyRecord, "/ledger_keys",
                  "public signing keys of participants and management nodes",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_LEDGER_KEY_COLUMNS);

/** /blocks: one row per block of the final chain, in height order. */
#define EBSIM_TRACE_BLOCK_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, height, 0, "", "0, 1, ...") \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval whose round the block closes") \
  COLUMN(std::uint32_t, primary, 0, "", "management node that formed it") \
  COLUMN(double, timestamp_s, 0.0, "s", "simulated time it was formed") \
  COLUMN(std::uint32_t, transaction_count, 0, "", "its transactions") \
  COLUMN(DigestBytes, previous_hash, {}, "", "hash of the previous block's header (zeros for height 0)") \
  COLUMN(DigestBytes, merkle_root, {}, "", "Merkle root of its transactions") \
  COLUMN(DigestBytes, block_hash, {}, "", "hash of its header (redundant; verify recomputes it)") \
  COLUMN(std::uint8_t, primary_signature_length, 0, "B", "bytes used in `primary_signature`") \
  COLUMN(BlobBytes, primary_signature, {}, "", "the primary's signature of the header") \
  COLUMN(double, first_appended_s, 0.0, "s", "when the first management node appended it (not part of the " \
         "ledger)") \
  COLUMN(double, last_appended_s, 0.0, "s", "when the last one did, catch-up included (not part of the ledger)") \
  COLUMN(double, bytes, 0.0, "B", "its size on the wire: header + signature sizes + per trade its record, party " \
         "and co-signatures (`consortium.message_sizes`; not part of the ledger)")
EBSIM_TRACE_TABLE(BlockRecord, "/blocks",
                  "the consortium chain, one row per block in height order",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_BLOCK_COLUMNS);

/** /block_transactions: every transaction of every block, in block order. */
#define EBSIM_TRACE_BLOCK_TRANSACTION_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, height, 0, "", "its block") \
  COLUMN(std::uint32_t, index, 0, "", "position in the block") \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(double, delivery_start_s, 0.0, "s", "simulated time delivery starts") \
  COLUMN(double, quantity_kwh, 0.0, "kWh", "energy traded") \
  COLUMN(double, price_per_kwh, 0.0, "{currency}/kWh", "what the buyer pays") \
  COLUMN(double, seller_price_per_kwh, 0.0, "{currency}/kWh", "what the seller receives") \
  COLUMN(std::uint32_t, buyer, 0, "", "buying participant") \
  COLUMN(std::uint32_t, seller, 0, "", "selling participant") \
  COLUMN(std::uint8_t, product, 0, "", "see Codes") \
  COLUMN(std::uint64_t, buy_order, 0, "", "the buy order as its owner signed it: order id") \
  COLUMN(std::uint32_t, buy_participant, 0, "", "the signed buy order: its participant") \
  COLUMN(std::uint32_t, buy_interval, 0, "", "the signed buy order: its delivery interval") \
  COLUMN(std::uint8_t, buy_side, 0, "", "the signed buy order: its side (0)") \
  COLUMN(double, buy_quantity_kwh, 0.0, "kWh", "the signed buy order: its quantity") \
  COLUMN(double, buy_limit_price_per_kwh, 0.0, "{currency}/kWh", "the signed buy order: its limit price") \
  COLUMN(double, buy_submitted_s, 0.0, "s", "the signed buy order: when it was sent") \
  COLUMN(double, buy_arrived_s, 0.0, "s", "the signed buy order: when the market received it") \
  COLUMN(std::uint64_t, sell_order, 0, "", "the sell order as its owner signed it: order id") \
  COLUMN(std::uint32_t, sell_participant, 0, "", "the signed sell order: its participant") \
  COLUMN(std::uint32_t, sell_interval, 0, "", "the signed sell order: its delivery interval") \
  COLUMN(std::uint8_t, sell_side, 0, "", "the signed sell order: its side (1)") \
  COLUMN(double, sell_quantity_kwh, 0.0, "kWh", "the signed sell order: its quantity") \
  COLUMN(double, sell_limit_price_per_kwh, 0.0, "{currency}/kWh", "the signed sell order: its limit price") \
  COLUMN(double, sell_submitted_s, 0.0, "s", "the signed sell order: when it was sent") \
  COLUMN(double, sell_arrived_s, 0.0, "s", "the signed sell order: when the market received it") \
  COLUMN(std::uint8_t, buyer_signature_length, 0, "B", "bytes used in `buyer_signature` (0 with `crypto: " \
         "modeled`)") \
  COLUMN(BlobBytes, buyer_signature, {}, "", "the buyer's signature of its order") \
  COLUMN(std::uint8_t, seller_signature_length, 0, "B", "bytes used in `seller_signature` (0 with `crypto: " \
         "modeled`)") \
  COLUMN(BlobBytes, seller_signature, {}, "", "the seller's signature of its order")
EBSIM_TRACE_TABLE(BlockTransactionRecord, "/block_transactions",
                  "every transaction of every block, in block order",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_BLOCK_TRANSACTION_COLUMNS);

/** /block_signatures: management nodes' signatures: co-signatures of transactions and
 * confirmations of blocks. */
#define EBSIM_TRACE_BLOCK_SIGNATURE_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, height, 0, "", "the block") \
  COLUMN(std::int64_t, transaction, -1, "", "index of the co-signed transaction; -1: a confirmation of the " \
         "block's header (PBFT commit certificate)") \
  COLUMN(std::uint32_t, signer, 0, "", "management node index") \
  COLUMN(std::uint8_t, signature_length, 0, "B", "bytes used") \
  COLUMN(BlobBytes, signature, {}, "", "the signature")
EBSIM_TRACE_TABLE(BlockSignatureRecord, "/block_signatures",
                  "management nodes' co-signatures of transactions and confirmations of blocks",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_BLOCK_SIGNATURE_COLUMNS);

/** /block_appends: when each management node appended each block (chain growth, catch-up). */
#define EBSIM_TRACE_BLOCK_APPEND_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, height, 0, "", "the block") \
  COLUMN(std::uint32_t, node, 0, "", "management node index") \
  COLUMN(double, at_s, 0.0, "s", "simulated time (later than the others for a node that caught up after a crash)")
EBSIM_TRACE_TABLE(BlockAppendRecord, "/block_appends",
                  "when each management node appended each block",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_BLOCK_APPEND_COLUMNS);

/** /rounds: one row per interval's consortium round, by the primary that finalised it. */
#define EBSIM_TRACE_ROUND_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, scheduled_primary, 0, "", "primary by the rotation schedule") \
  COLUMN(std::uint32_t, primary, 0, "", "the primary that finalised it (differs after a failover)") \
  COLUMN(std::uint32_t, attempts, 0, "", "proposals made (re-proposals after refusals, objections)") \
  COLUMN(std::uint32_t, bundles_received, 0, "", "management nodes' bundles in the clearing input") \
  COLUMN(std::uint32_t, bundles_expected, 0, "", "management nodes") \
  COLUMN(double, gate_closure_s, 0.0, "s", "gate closure") \
  COLUMN(double, proposal_s, 0.0, "s", "first proposal") \
  COLUMN(double, final_s, 0.0, "s", "block final at the primary") \
  COLUMN(std::uint64_t, height, 0, "", "the block's height") \
  COLUMN(std::uint32_t, trades, 0, "", "trades in the block")
EBSIM_TRACE_TABLE(RoundRecord, "/rounds", "one row per interval's consortium round", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_ROUND_COLUMNS);

/** /refusals: a management node refused to co-sign a proposal. */
#define EBSIM_TRACE_REFUSAL_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, node, 0, "", "management node that refused") \
  COLUMN(std::uint32_t, primary, 0, "", "the primary whose proposal it refused") \
  COLUMN(double, at_s, 0.0, "s", "simulated time of the refusal") \
  COLUMN(NameChars, reason, {}, "", "the first difference the re-clearing found, cut to 47 characters")
EBSIM_TRACE_TABLE(RefusalRecord, "/refusals",
                  "a management node refused to co-sign a proposal",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_REFUSAL_COLUMNS);

/** /disputes: one row per dispute a participant raised. */
#define EBSIM_TRACE_DISPUTE_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, participant, 0, "", "who raised it") \
  COLUMN(std::uint64_t, order, 0, "", "the disputed order") \
  COLUMN(double, raised_s, 0.0, "s", "simulated time the participant sent it") \
  COLUMN(double, resolved_s, -1.0, "s", "simulated time it received the answer; -1: never") \
  COLUMN(std::uint32_t, rounds, 0, "", "re-clearings it caused: 0 when the chain was right and only the " \
         "participant's own node misreported it, so the correction is the chain's result; 1 or more when the " \
         "primary had to re-clear") \
  COLUMN(std::uint8_t, upheld, 0, "", "1: the participant was right and got the corrected result")
EBSIM_TRACE_TABLE(DisputeRecordRow, "/disputes", "one row per dispute a participant raised", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_DISPUTE_COLUMNS);

/** /failovers: a round's primary role moved past a failed or refused primary. */
#define EBSIM_TRACE_FAILOVER_COLUMNS(COLUMN) \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(std::uint32_t, failed_primary, 0, "", "the primary that failed or whose proposal was refused") \
  COLUMN(std::uint32_t, new_primary, 0, "", "the primary that took over") \
  COLUMN(double, detected_s, 0.0, "s", "simulated time the new primary took over")
EBSIM_TRACE_TABLE(FailoverRecordRow, "/failovers",
                  "a round's primary role moved past a failed or refused primary",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_FAILOVER_COLUMNS);

/** /p2p_blocks: every block made in a p2p run (stale ones included), in the order they were made.
 * Propagation columns are over the nodes other than the block's maker that accepted it. */
#define EBSIM_TRACE_P2P_BLOCK_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, block, 0, "", "block id ((maker node + 1) << 32 | sequence)") \
  COLUMN(std::uint64_t, parent, 0, "", "parent's id (0: genesis)") \
  COLUMN(std::uint64_t, height, 0, "", "genesis 0") \
  COLUMN(std::uint32_t, miner, 0, "", "index in `p2p.miners`") \
  COLUMN(double, found_s, 0.0, "s", "when it was mined (PoS: forged at its slot)") \
  COLUMN(std::uint32_t, transactions, 0, "", "transactions in it") \
  COLUMN(double, size_bytes, 0.0, "B", "header + transactions") \
  COLUMN(double, fees, 0.0, "{currency}", "its transactions' fees") \
  COLUMN(std::uint8_t, stale, 0, "", "1: not on the final best chain") \
  COLUMN(std::uint32_t, nodes_reached, 0, "", "nodes that accepted it, maker included") \
  COLUMN(double, propagation_mean_s, 0.0, "s", "mean delay to the other nodes") \
  COLUMN(double, propagation_miners_mean_s, 0.0, "s", "mean delay to the other miners (tau of the stale-rate " \
         "formula)") \
  COLUMN(double, propagation_p50_s, 0.0, "s", "median delay") \
  COLUMN(double, propagation_p90_s, 0.0, "s", "90th percentile") \
  COLUMN(double, propagation_max_s, 0.0, "s", "last node reached")
EBSIM_TRACE_TABLE(P2pBlockRecord, "/p2p_blocks",
                  "every block made in a p2p run, stale ones included",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_P2P_BLOCK_COLUMNS);

/** /p2p_confirmations: one row per order a participant sent in a p2p run. */
#define EBSIM_TRACE_P2P_CONFIRMATION_COLUMNS(COLUMN) \
  COLUMN(std::uint64_t, order, 0, "", "order (= transaction) id") \
  COLUMN(std::uint32_t, participant, 0, "", "sender") \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval") \
  COLUMN(double, submitted_s, 0.0, "s", "sent by the participant to its node") \
  COLUMN(std::uint64_t, block, 0, "", "final-chain block that holds it (0: none)") \
  COLUMN(double, included_s, -1.0, "s", "that block's `found_s` (-1: none)") \
  COLUMN(std::uint8_t, in_time, 0, "", "1: included before the interval's gate closure (the contract cleared it)") \
  COLUMN(double, final_s, -1.0, "s", "when the interval became final at the participant's node (-1: never)") \
  COLUMN(double, latency_s, -1.0, "s", "`final_s - submitted_s` (-1: never)") \
  COLUMN(double, fee, 0.0, "{currency}", "the transaction's fee")
EBSIM_TRACE_TABLE(P2pConfirmationRecord, "/p2p_confirmations",
                  "one row per order sent in a p2p run: inclusion and finality",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_P2P_CONFIRMATION_COLUMNS);

/** /p2p_double_spend: one row per (q, z) of the double-spend experiment. */
#define EBSIM_TRACE_P2P_DOUBLE_SPEND_COLUMNS(COLUMN) \
  COLUMN(double, q, 0.0, "", "attacker hash share") \
  COLUMN(std::uint32_t, z, 0, "", "confirmations") \
  COLUMN(std::uint64_t, trials, 0, "", "races simulated") \
  COLUMN(std::uint64_t, successes, 0, "", "races the attacker won") \
  COLUMN(double, measured, 0.0, "", "successes / trials") \
  COLUMN(double, low_99, 0.0, "", "lower end of the 99 % Wilson interval of `measured`") \
  COLUMN(double, high_99, 0.0, "", "upper end of that interval") \
  COLUMN(double, exact, 0.0, "", "Rosenfeld's exact probability") \
  COLUMN(double, nakamoto, 0.0, "", "Nakamoto's Poisson approximation") \
  COLUMN(double, mean_success_time_s, 0.0, "s", "mean time from payment to the attacker's win, over won races")
EBSIM_TRACE_TABLE(P2pDoubleSpendRecord, "/p2p_double_spend",
                  "double-spend race: measured, exact (Rosenfeld) and Nakamoto",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_P2P_DOUBLE_SPEND_COLUMNS);

/** /p2p_selfish_mining: one row per (alpha, gamma) of p2p.selfish_mining (Eyal-Sirer). */
#define EBSIM_TRACE_P2P_SELFISH_MINING_COLUMNS(COLUMN) \
  COLUMN(double, alpha, 0.0, "", "the selfish pool's hash share (also its fair share of the revenue)") \
  COLUMN(double, gamma, 0.0, "", "share of honest miners mining on the pool's block in a race") \
  COLUMN(std::uint64_t, blocks, 0, "", "blocks found (state-machine steps)") \
  COLUMN(std::uint64_t, pool_blocks, 0, "", "the pool's blocks that ended on the main chain") \
  COLUMN(std::uint64_t, honest_blocks, 0, "", "the others' blocks that ended on the main chain") \
  COLUMN(double, relative_revenue, 0.0, "", "pool_blocks / (pool_blocks + honest_blocks)") \
  COLUMN(double, standard_error, 0.0, "", "batch-means standard error of `relative_revenue` (100 batches)") \
  COLUMN(double, closed_form, 0.0, "", "Eyal and Sirer's relative revenue for (alpha, gamma)")
EBSIM_TRACE_TABLE(P2pSelfishMiningRecord, "/p2p_selfish_mining",
                  "selfish mining: the pool's relative revenue, simulated and Eyal-Sirer's",
                  kLargeTableMaxChunkRows, EBSIM_TRACE_P2P_SELFISH_MINING_COLUMNS);

/** /p2p_chain: one row summarising a p2p run's chain. */
#define EBSIM_TRACE_P2P_CHAIN_COLUMNS(COLUMN) \
  COLUMN(std::uint8_t, consensus, 0, "", "0 pow, 1 pos") \
  COLUMN(std::uint8_t, contract, 0, "", "0 call, 1 continuous") \
  COLUMN(double, block_interval_s, 0.0, "s", "T (PoS: slot)") \
  COLUMN(std::uint32_t, confirmations, 0, "", "z") \
  COLUMN(std::uint32_t, nodes, 0, "", "participants' nodes (full and light) + miners") \
  COLUMN(std::uint32_t, light_nodes, 0, "", "participants' light nodes (`p2p.light_share`)") \
  COLUMN(std::uint32_t, miners, 0, "", "miners (validators)") \
  COLUMN(std::uint32_t, peers, 0, "", "k") \
  COLUMN(std::uint64_t, blocks, 0, "", "blocks made (genesis excluded)") \
  COLUMN(std::uint64_t, stale_blocks, 0, "", "blocks off the final chain") \
  COLUMN(std::uint64_t, height, 0, "", "final chain height") \
  COLUMN(double, stale_rate, 0.0, "", "`stale_blocks / blocks`") \
  COLUMN(double, propagation_mean_s, 0.0, "s", "tau: mean over blocks of `propagation_miners_mean_s`") \
  COLUMN(double, stale_rate_model, 0.0, "", "`1 - exp(-tau / T)`") \
  COLUMN(double, hashes, 0.0, "", "PoW: `hash_rate_hps x T x blocks` (stale ones cost the same); PoS 0") \
  COLUMN(double, energy_j, 0.0, "J", "`hashes x joules_per_hash`") \
  COLUMN(double, fees, 0.0, "{currency}", "fees of the final chain's transactions") \
  COLUMN(std::uint64_t, transactions, 0, "", "transactions on the final chain") \
  COLUMN(std::uint64_t, results_reverted, 0, "", "(node, interval) results given on a branch the final chain " \
         "replaced") \
  COLUMN(std::uint64_t, reorgs, 0, "", "reorganisations, summed over nodes") \
  COLUMN(std::uint64_t, max_reorg_depth, 0, "", "deepest reorganisation at any node")
EBSIM_TRACE_TABLE(P2pChainRecord, "/p2p_chain", "one row summarising a p2p run's chain", kLargeTableMaxChunkRows,
                  EBSIM_TRACE_P2P_CHAIN_COLUMNS);

/** Every table, in the file's creation order. */
using AllRecords = std::tuple<GroupRecord, ParticipantRecord, OrderRecord, TradeRecord, IntervalRecord,
                              SettlementRecord, MessageStatRecord, SecurityCheckRecord, LinkMessageRecord, CpuRecord,
                              LedgerKeyRecord, BlockRecord, BlockTransactionRecord, BlockSignatureRecord,
                              BlockAppendRecord, RoundRecord, RefusalRecord, DisputeRecordRow, FailoverRecordRow,
                              P2pBlockRecord, P2pConfirmationRecord, P2pDoubleSpendRecord, P2pChainRecord,
                              LineFlowRecord, P2pSelfishMiningRecord>;

namespace detail {
template <class Row, class Tuple>
struct RecordIndex;
template <class Row, class... Rows>
struct RecordIndex<Row, std::tuple<Rows...>> {
  static constexpr std::size_t find() {
    constexpr bool match[] = {std::same_as<Row, Rows>...};
    for (std::size_t i = 0; i < sizeof...(Rows); ++i)
      if (match[i]) return i;
    return sizeof...(Rows);
  }
  static constexpr std::size_t value = find();
};
}  // namespace detail

/** Position of `Row` in AllRecords. */
template <class Row>
inline constexpr std::size_t kRecordIndex = detail::RecordIndex<Row, AllRecords>::value;

/** A table every trace has: one of AllRecords. */
template <class Row>
concept TraceRecord = kRecordIndex<Row> < std::tuple_size_v<AllRecords>;

}  // namespace ebsim::trace
