function mpc = feeder3
%FEEDER3    A 3-bus radial low-voltage feeder for household-scale markets (ebsim).
%   Bus 1 is the feeder head (reference), bus 2 mid-feeder, bus 3 the feeder end.
%   Units are MATPOWER's (MW, p.u. on 100 MVA), but the ratings are kW-scale so that
%   household orders can congest the lines: RATE_A 0.006 MW = 6 kW (1-2) and 0.004 MW = 4 kW
%   (2-3). The case's own load and generator are zero: by default ebsim's nodal rule clears only
%   the participants' orders and leaves the case's generators and loads out anyway
%   (feeder3_units.m has units of its own, for grid.case_units: include).

%% MATPOWER Case Format : Version 2
mpc.version = '2';

%%-----  Power Flow Data  -----%%
%% system MVA base
mpc.baseMVA = 100;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	0.4	1	1.1	0.9;
	2	1	0	0	0	0	1	1	0	0.4	1	1.1	0.9;
	3	1	0	0	0	0	1	1	0	0.4	1	1.1	0.9;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin	Pc1	Pc2	Qc1min	Qc1max	Qc2min	Qc2max	ramp_agc	ramp_10	ramp_30	ramp_q	apf
mpc.gen = [
	1	0	0	0	0	1	100	1	0	0	0	0	0	0	0	0	0	0	0	0	0;
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
	2	0	0	2	0	0;
];
