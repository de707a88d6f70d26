"""Reads an ebsim trace with h5py, as a researcher would, and prints a few facts as JSON.
Used by tests/e2e/h5py_test.cpp to check that traces are readable outside ebsim."""
import json
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    trades = f["/trades"][:]
    intervals = f["/intervals"][:]
    orders = f["/orders"][:]
    print(json.dumps({
        "datasets": sorted(f.keys()),
        "network_model": f.attrs["network_model"] if isinstance(f.attrs["network_model"], str)
        else f.attrs["network_model"].decode(),
        "seed": int(f.attrs["seed"]),
        "trade_columns": list(trades.dtype.names),
        "traded_kwh": round(float(trades["quantity_kwh"].sum()), 9),
        "prices": sorted(set(float(p) for p in intervals["clearing_price_per_kwh"])),
        "orders": int(len(orders)),
        "compression": f["/orders"].compression,
    }))
