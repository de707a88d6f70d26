function mpc = feeder3_units
%FEEDER3_UNITS    grids/feeder3.m with generators and loads of its own (ebsim).
%   The 3-bus radial low-voltage feeder of feeder3.m (bus 1 head and reference, bus 2 mid-feeder,
%   bus 3 feeder end; lines rated 6 kW (1-2) and 4 kW (2-3)), plus units that take part in the
%   nodal market with grid.case_units: include:
%     generator 1, bus 1: the supply from upstream, up to 100 kW at a flat 150 $/MWh (0.15/kWh);
%     generator 2, bus 2: a small CHP unit, up to 5 kW, quadratic cost 120 $/MWh + 2 * 8000 * Pg
%                         (marginal 0.12/kWh at 0 kW rising to 0.20/kWh at 5 kW);
%     loads: 1 kW at bus 2 (a shop) and 2 kW at bus 3 (street lighting and a pump), all day.
%   Units are MATPOWER's (MW, $/MWh); the ratings are kW-scale so that household orders congest.

%% MATPOWER Case Format : Version 2
mpc.version = '2';

%%-----  Power Flow Data  -----%%
%% system MVA base
mpc.baseMVA = 100;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	0.4	1	1.1	0.9;
	2	1	0.001	0	0	0	1	1	0	0.4	1	1.1	0.9;
	3	1	0.002	0	0	0	1	1	0	0.4	1	1.1	0.9;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin	Pc1	Pc2	Qc1min	Qc1max	Qc2min	Qc2max	ramp_agc	ramp_10	ramp_30	ramp_q	apf
mpc.gen = [
	1	0	0	0	0	1	100	1	0.1	0	0	0	0	0	0	0	0	0	0	0	0;
	2	0	0	0	0	1	100	1	0.005	0	0	0	0	0	0	0	0	0	0	0	0;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	1	2	0.05	0.1	0	0.006	0.006	0.006	0	0	1	-360	360;
	2	3	0.05	0.1	0	0.004	0.004	0.004	0	0	1	-360	360;
];

%%-----  OPF Data  -----%%
%% generator cost data
%	1	startup	shutdown	n	x1	y1	...	xn	yn
%	2	startup	shutdown	n	c(n-1)	...	c0
mpc.gencost = [
	2	0	0	3	0	150	0;
	2	0	0	3	8000	120	0;
];
