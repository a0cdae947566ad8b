package cis

// sectionNetwork is CIS section 3: network devices, network kernel modules
// and kernel network parameters (persisted for boot, never set live).
var sectionNetwork = Section{
	Name: "3 Network",
	Lib:  net3Lib,
	Controls: []Control{
		// ---- 3.1 network devices
		{
			Rule:   "net_ipv6_status",
			Title:  "The image's IPv6 state matches the ipv6 parameter",
			CIS:    "d12:3.1.1:s1w1 u22:3.1.1:s1w1 u24:3.1.1:s1w1",
			Check:  `net3_ipv6_check`,
			Params: []string{"ipv6"},
			Pass:   "ipv6=true and IPv6 is not disabled at boot, or ipv6=false and IPv6 is disabled (ipv6.disable=1 on the kernel command line or disable_ipv6 in sysctl.d)",
			Safety: "No remediation: whether the image uses IPv6 is the user's decision. With ipv6=false, disable IPv6 in a provisioner (e.g. GRUB_CMDLINE_LINUX ipv6.disable=1) or the IPv6 kernel parameters stay unhardened.",
		},
		{
			Rule:   "kmod_wireless_disabled",
			Title:  "Wi-Fi drivers cannot be loaded",
			CIS:    "d12:3.1.2:s1 u22:3.1.2:s1 u24:3.1.2:s1",
			Check:  `net3_wifi_check`,
			Fix:    `kmod_disable cfg80211`,
			Reboot: true,
			Pass:   "the kernels in /lib/modules ship no Wi-Fi modules (not-applicable), or cfg80211, the configuration layer every Wi-Fi driver depends on, is blacklisted and its install mapped to /bin/false",
		},
		{
			Rule:   "svc_bluetooth_not_in_use",
			Title:  "The Bluetooth daemon is not installed or not enabled",
			CIS:    "d12:3.1.3:s1w2 u22:3.1.3:s1w2 u24:3.1.3:s1w2",
			Check:  `svc2_off 'bluez' '' 'bluetooth.service'`,
			Fix:    `svc_mask bluetooth.service`,
			Remove: `$(svc2_purgeable 'bluez' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "bluez is not installed, or something needs it and bluetooth.service is not enabled",
		},

		// ---- 3.2 network kernel modules
		{
			Rule:   "kmod_dccp_disabled",
			Title:  "The DCCP protocol module cannot be loaded",
			CIS:    "d12:3.2.1:s2w2 u22:3.2.1:s2w2 u24:3.2.1:s2w2",
			Check:  "kmod_disabled dccp",
			Fix:    "kmod_disable dccp",
			Reboot: true,
			Pass:   "modprobe.d blacklists dccp and maps its install to /bin/false",
		},
		{
			Rule:   "kmod_tipc_disabled",
			Title:  "The TIPC protocol module cannot be loaded",
			CIS:    "d12:3.2.2:s2w2 u22:3.2.2:s2w2 u24:3.2.2:s2w2",
			Check:  "kmod_disabled tipc",
			Fix:    "kmod_disable tipc",
			Reboot: true,
			Pass:   "modprobe.d blacklists tipc and maps its install to /bin/false",
		},
		{
			Rule:   "kmod_rds_disabled",
			Title:  "The RDS protocol module cannot be loaded",
			CIS:    "d12:3.2.3:s2w2 u22:3.2.3:s2w2 u24:3.2.3:s2w2",
			Check:  "kmod_disabled rds",
			Fix:    "kmod_disable rds",
			Reboot: true,
			Pass:   "modprobe.d blacklists rds and maps its install to /bin/false",
		},
		{
			Rule:   "kmod_sctp_disabled",
			Title:  "The SCTP protocol module cannot be loaded",
			CIS:    "d12:3.2.4:s2w2 u22:3.2.4:s2w2 u24:3.2.4:s2w2",
			Check:  "kmod_disabled sctp",
			Fix:    "kmod_disable sctp",
			Reboot: true,
			Pass:   "modprobe.d blacklists sctp and maps its install to /bin/false",
		},

		// ---- 3.3 network kernel parameters
		{
			Rule:   "sysctl_ip_forward_disabled",
			Title:  "The image boots with IP forwarding off",
			CIS:    "d12:3.3.1:s1w1 u22:3.3.1:s1w1 u24:3.3.1:s1w1",
			Check:  "net3_check net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.forwarding=0",
			Fix:    "net3_fix net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.forwarding=0",
			Params: []string{"ipv6"},
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.ip_forward and net.ipv6.conf.{all,default}.forwarding to 0 (IPv6 keys skipped when ipv6=false)",
			Safety: "Container hosts (Docker, Kubernetes) and NAT instances need forwarding: waive this control for them.",
		},
		{
			Rule:   "sysctl_send_redirects_disabled",
			Title:  "The image does not send ICMP redirects",
			CIS:    "d12:3.3.2:s1w1 u22:3.3.2:s1w1 u24:3.3.2:s1w1",
			Check:  "net3_check net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0",
			Fix:    "net3_fix net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.conf.{all,default}.send_redirects to 0",
		},
		{
			Rule:   "sysctl_icmp_bogus_errors_ignored",
			Title:  "Bogus ICMP error responses are ignored",
			CIS:    "d12:3.3.3:s1w1 u22:3.3.3:s1w1 u24:3.3.3:s1w1",
			Check:  "net3_check net.ipv4.icmp_ignore_bogus_error_responses=1",
			Fix:    "net3_fix net.ipv4.icmp_ignore_bogus_error_responses=1",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.icmp_ignore_bogus_error_responses to 1",
		},
		{
			Rule:   "sysctl_icmp_broadcasts_ignored",
			Title:  "ICMP echo requests to broadcast addresses are ignored",
			CIS:    "d12:3.3.4:s1w1 u22:3.3.4:s1w1 u24:3.3.4:s1w1",
			Check:  "net3_check net.ipv4.icmp_echo_ignore_broadcasts=1",
			Fix:    "net3_fix net.ipv4.icmp_echo_ignore_broadcasts=1",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.icmp_echo_ignore_broadcasts to 1",
		},
		{
			Rule:   "sysctl_accept_redirects_disabled",
			Title:  "ICMP redirects are not accepted",
			CIS:    "d12:3.3.5:s1w1 u22:3.3.5:s1w1 u24:3.3.5:s1w1",
			Check:  "net3_check net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.default.accept_redirects=0 net.ipv6.conf.all.accept_redirects=0 net.ipv6.conf.default.accept_redirects=0",
			Fix:    "net3_fix net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.default.accept_redirects=0 net.ipv6.conf.all.accept_redirects=0 net.ipv6.conf.default.accept_redirects=0",
			Params: []string{"ipv6"},
			Reboot: true,
			Pass:   "sysctl.d files set accept_redirects to 0 for IPv4 and IPv6, all and default (IPv6 keys skipped when ipv6=false)",
		},
		{
			Rule:   "sysctl_secure_redirects_disabled",
			Title:  "ICMP redirects from listed gateways are not accepted either",
			CIS:    "d12:3.3.6:s1w1 u22:3.3.6:s1w1 u24:3.3.6:s1w1",
			Check:  "net3_check net.ipv4.conf.all.secure_redirects=0 net.ipv4.conf.default.secure_redirects=0",
			Fix:    "net3_fix net.ipv4.conf.all.secure_redirects=0 net.ipv4.conf.default.secure_redirects=0",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.conf.{all,default}.secure_redirects to 0",
		},
		{
			Rule:   "sysctl_rp_filter_enabled",
			Title:  "Strict reverse path filtering is on",
			CIS:    "d12:3.3.7:s1w1 u22:3.3.7:s1w1 u24:3.3.7:s1w1",
			Check:  "net3_check net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1",
			Fix:    "net3_fix net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.conf.{all,default}.rp_filter to 1",
			Safety: "Instances with several interfaces and asymmetric routing (some appliance or multi-NIC setups) may need loose mode (2): waive the control for them.",
		},
		{
			Rule:   "sysctl_source_route_disabled",
			Title:  "Source-routed packets are not accepted",
			CIS:    "d12:3.3.8:s1w1 u22:3.3.8:s1w1 u24:3.3.8:s1w1",
			Check:  "net3_check net.ipv4.conf.all.accept_source_route=0 net.ipv4.conf.default.accept_source_route=0 net.ipv6.conf.all.accept_source_route=0 net.ipv6.conf.default.accept_source_route=0",
			Fix:    "net3_fix net.ipv4.conf.all.accept_source_route=0 net.ipv4.conf.default.accept_source_route=0 net.ipv6.conf.all.accept_source_route=0 net.ipv6.conf.default.accept_source_route=0",
			Params: []string{"ipv6"},
			Reboot: true,
			Pass:   "sysctl.d files set accept_source_route to 0 for IPv4 and IPv6, all and default (IPv6 keys skipped when ipv6=false)",
		},
		{
			Rule:   "sysctl_log_martians_enabled",
			Title:  "Packets with impossible addresses are logged",
			CIS:    "d12:3.3.9:s1w1 u22:3.3.9:s1w1 u24:3.3.9:s1w1",
			Check:  "net3_check net.ipv4.conf.all.log_martians=1 net.ipv4.conf.default.log_martians=1",
			Fix:    "net3_fix net.ipv4.conf.all.log_martians=1 net.ipv4.conf.default.log_martians=1",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.conf.{all,default}.log_martians to 1",
		},
		{
			Rule:   "sysctl_tcp_syncookies_enabled",
			Title:  "TCP SYN cookies are on",
			CIS:    "d12:3.3.10:s1w1 u22:3.3.10:s1w1 u24:3.3.10:s1w1",
			Check:  "net3_check net.ipv4.tcp_syncookies=1",
			Fix:    "net3_fix net.ipv4.tcp_syncookies=1",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv4.tcp_syncookies to 1",
		},
		{
			Rule:   "sysctl_ipv6_accept_ra_disabled",
			Title:  "IPv6 router advertisements are not accepted",
			CIS:    "d12:3.3.11:s1w1 u22:3.3.11:s1w1 u24:3.3.11:s1w1",
			When:   `[ "$P_ipv6" != false ]`,
			Check:  "net3_check net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0",
			Fix:    "net3_fix net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0",
			Reboot: true,
			Pass:   "sysctl.d files set net.ipv6.conf.{all,default}.accept_ra to 0 (not-applicable when ipv6=false)",
			Safety: "systemd-networkd and NetworkManager handle router advertisements themselves and keep IPv6 routes; with ifupdown and dhclient (Debian cloud images) on a dual-stack or IPv6-only subnet the kernel then learns no IPv6 default route: waive the control there. IMDS and the build's SSH over IPv4 are not affected.",
		},
	},
	Params: []Param{
		{Name: "ipv6", Type: Bool, Default: "true", Doc: "Whether the image uses IPv6; when false, IPv6 kernel parameters are not required."},
	},
}

// net3Lib holds the shell helpers of section 3 (prefix net3_).
const net3Lib = `
# net3_check KEY=VALUE...: pass when sysctl.d sets every key to its value at
# boot; net.ipv6 keys are skipped when the ipv6 parameter is false.
net3_check() {
	_nrc=0
	for _kv in "$@"; do
		if [ "$P_ipv6" = false ]; then
			case $_kv in net.ipv6.*) h_say "${_kv%%=*}: not required (ipv6=false)" && continue ;; esac
		fi
		sysctl_is "${_kv%%=*}" "${_kv#*=}" || _nrc=1
	done
	return $_nrc
}

# net3_fix KEY=VALUE...: persist the keys net3_check would find wrong.
net3_fix() {
	for _kv in "$@"; do
		if [ "$P_ipv6" = false ]; then
			case $_kv in net.ipv6.*) continue ;; esac
		fi
		sysctl_is "${_kv%%=*}" "${_kv#*=}" >/dev/null || sysctl_set "${_kv%%=*}" "${_kv#*=}"
	done
}

# net3_ipv6_off: pass when the image disables IPv6 at boot.
net3_ipv6_off() {
	_c=$(cat /etc/default/grub /etc/default/grub.d/*.cfg 2>/dev/null | grep -E '^[[:space:]]*GRUB_CMDLINE_LINUX(_DEFAULT)?=.*ipv6\.disable=1')
	if [ -n "$_c" ]; then h_say "kernel command line disables IPv6: $_c"; return 0; fi
	_a=$(sysctl_value net.ipv6.conf.all.disable_ipv6)
	_d=$(sysctl_value net.ipv6.conf.default.disable_ipv6)
	h_say "net.ipv6.conf.all.disable_ipv6 = ${_a:-(unset)}; default.disable_ipv6 = ${_d:-(unset)}"
	[ "${_a% (*}" = 1 ] && [ "${_d% (*}" = 1 ]
}

net3_ipv6_check() {
	if net3_ipv6_off; then _st=false; else _st=true; fi
	h_say "IPv6 enabled at boot: $_st; ipv6 parameter: $P_ipv6"
	[ "$_st" = "$P_ipv6" ] && return 0
	if [ "$P_ipv6" = false ]; then
		h_say "ipv6=false but IPv6 stays enabled: its kernel parameters are not hardened"
	else
		h_say "ipv6=true but the image disables IPv6: set ipv6=false"
	fi
	return 1
}

# net3_wifi_check: not-applicable without Wi-Fi modules in the image's
# kernels; else cfg80211 (which every Wi-Fi driver needs) must be disabled.
net3_wifi_check() {
	_w=$(ls -d /lib/modules/*/kernel/net/wireless /lib/modules/*/kernel/drivers/net/wireless 2>/dev/null)
	if [ -z "$_w" ]; then
		grep -qs '/cfg80211\.ko' /lib/modules/*/modules.builtin && { h_say "cfg80211 is built into the kernel: it cannot be disabled by modprobe"; return 1; }
		h_say "the image's kernels have no Wi-Fi modules"
		return 2
	fi
	# shellcheck disable=SC2086
	h_say "Wi-Fi modules in the image: $(find $_w -name '*.ko*' 2>/dev/null | wc -l)"
	kmod_disabled cfg80211
}
`
