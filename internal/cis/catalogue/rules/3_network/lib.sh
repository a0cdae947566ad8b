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

# net3_rt_wifi: no wireless interface and no wireless driver is loaded.
net3_rt_wifi() {
	_nw=
	for _nd in /sys/class/net/*/wireless; do [ -e "$_nd" ] && _nw="$_nw ${_nd%/wireless}"; done
	h_say "running: wireless interfaces: ${_nw:-none}"
	[ -z "$_nw" ]
}
