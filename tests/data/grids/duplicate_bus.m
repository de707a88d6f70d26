function mpc = duplicate_bus
% Bus number 2 twice.
mpc.version = '2';
mpc.baseMVA = 100;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	345	1	1.1	0.9;
	2	1	60	10	0	0	1	1	0	345	1	1.1	0.9;
	2	1	40	10	0	0	2	1	0	345	1	1.1	0.9;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin
mpc.gen = [
	1	100	0	300	-300	1	100	1	250	10;
	3	0	0	300	-300	1	100	1	50	0;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status
mpc.branch = [
	1	2	0	0.1	0	100	0	0	0	0	1;
	2	3	0	0.1	0	0	0	0	0	0	1;
	1	3	0	0.1	0	50	0	0	0	0	1;
];

%% generator cost data
mpc.gencost = [
	2	0	0	3	0.01	20	100;
	2	0	0	3	0.02	25	0;
];
