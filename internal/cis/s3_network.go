package cis

// sectionNetwork is CIS section 3: network devices, network kernel modules
// and kernel network parameters (persisted for boot, never set live).
var sectionNetwork = Section{
	Name: "3 Network",
	Controls: []Control{
		{
			Rule:   "sysctl_ip_forward_disabled",
			Title:  "The image boots with IP forwarding off",
			CIS:    "d12:3.3.1:s1w1 u22:3.3.1:s1w1 u24:3.3.1:s1w1",
			Check:  "sysctl_is net.ipv4.ip_forward 0 || return 1\n[ \"$P_ipv6\" = false ] && return 0\nsysctl_is net.ipv6.conf.all.forwarding 0",
			Fix:    "sysctl_set net.ipv4.ip_forward 0\nsysctl_set net.ipv6.conf.all.forwarding 0",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.ip_forward and net.ipv6.conf.all.forwarding to 0",
		},
	},
	Params: []Param{
		{Name: "ipv6", Type: Bool, Default: "true", Doc: "Whether the image uses IPv6; when false, IPv6 kernel parameters are not required."},
	},
}
