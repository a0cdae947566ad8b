# fw_kind: the firewall the parameters chose (auto: ufw on Ubuntu, nftables
# on Debian).
fw_kind() {
	case $P_firewall in
	auto) plat_firewall_default ;;
	*) echo "$P_firewall" ;;
	esac
}
fw_is() { [ "$(fw_kind)" = "$1" ]; }
fw_v6() { [ "${P_ipv6:-true}" != false ]; }

# fw_ssh_ports: the ports sshd listens on in the image (22 without sshd).
fw_ssh_ports() {
	_fs=
	[ -x /usr/sbin/sshd ] && _fs=$(sshd_effective | awk '$1 == "port" { print $2 }')
	# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
	printf '%s\n' ${_fs:-22}
}

# fw_ports tcp|udp: the allowed inbound ports, one a line, ranges as
# FIRST:LAST; TCP always includes sshd's ports. Fails on a bad word.
fw_ports() {
	if [ "$1" = tcp ]; then _fw_in="$P_firewall_allowed_tcp_ports $(fw_ssh_ports)"; else _fw_in=$P_firewall_allowed_udp_ports; fi
	set -f
	# shellcheck disable=SC2086
	printf '%s\n' $_fw_in | tr - : | awk -F: '
		$0 == "" { next }
		!/^[0-9]+(:[0-9]+)?$/ || $1 < 1 || $1 > 65535 || (NF == 2 && ($2 > 65535 || $2 + 0 < $1 + 0)) {
			print "firewall: " $0 " is not a port or FIRST-LAST port range" >"/dev/stderr"; bad = 1; next
		}
		!seen[$0]++ { print }
		END { exit bad }'
	_fw_rc=$?
	set +f
	return $_fw_rc
}

# fw_port_missing WANTED HAVE: print the words of WANTED (ports or A:B
# ranges) that HAVE (same form, any separators) neither lists nor covers.
fw_port_missing() {
	awk -v want="$1" -v have="$2" 'BEGIN {
		n = split(have, h, /[ ,\t\n]+/)
		m = split(want, w, /[ \t\n]+/)
		for (j = 1; j <= m; j++) {
			if (w[j] == "") continue
			ok = 0
			for (i = 1; i <= n && !ok; i++) {
				if (h[i] == w[j]) ok = 1
				else if (w[j] !~ /:/ && split(h[i], r, ":") == 2 && w[j] + 0 >= r[1] + 0 && w[j] + 0 <= r[2] + 0) ok = 1
			}
			if (!ok) print w[j]
		}
	}'
}

# ---- ufw
fw_ufw_installed() { fw_pkg_ok ufw; }
fw_ufw_conf() { kv_value "$1" "$2" | tr -d '"' | tr '[:upper:]' '[:lower:]'; }

# fw_ufw_in_use: ufw will load rules at boot.
fw_ufw_in_use() {
	fw_ufw_installed || return 1
	[ "$(fw_ufw_conf /etc/ufw/ufw.conf ENABLED)" = yes ] || return 1
	svc_enabled ufw.service >/dev/null
}

fw_ufw_enabled() {
	pkg_installed ufw || return 1
	_fe=$(fw_ufw_conf /etc/ufw/ufw.conf ENABLED)
	h_say "/etc/ufw/ufw.conf: ENABLED=${_fe:-(unset)}"
	svc_enabled ufw.service || return 1
	[ "$_fe" = yes ]
}

# fw_ufw_off_check: ufw is absent, or will not load rules at boot.
fw_ufw_off_check() {
	fw_ufw_installed || { h_say 'ufw is not installed'; return 0; }
	_fe=$(fw_ufw_conf /etc/ufw/ufw.conf ENABLED)
	h_say "ufw is installed; /etc/ufw/ufw.conf: ENABLED=${_fe:-(unset)}"
	svc_not_enabled ufw.service || return 1
	[ "$_fe" != yes ]
}

# fw_ufw_off: disable ufw for boot (no ufw disable: that touches the kernel).
fw_ufw_off() {
	fw_ufw_installed || return 0
	kv_set /etc/ufw/ufw.conf ENABLED no =
	svc_mask ufw.service
}

# fw_ufw_lines FILE CHAIN: the "-A CHAIN ..." rules of FILE.
fw_ufw_lines() { [ -f "$1" ] && grep -E "^-A $2 " "$1"; }

fw_ufw_versions() { if fw_v6; then echo 4 6; else echo 4; fi; }

# fw_ufw_v V: the rules file, chain prefix, any-address and loopback range
# of IP version V.
fw_ufw_v() {
	if [ "$1" = 4 ]; then _ff=/etc/ufw/user.rules _fc=ufw _fa=0.0.0.0/0 _flo=127.0.0.0/8
	else _ff=/etc/ufw/user6.rules _fc=ufw6 _fa=::/0 _flo=::1; fi
}

fw_ufw_loopback() {
	_frc=0
	for _fv in $(fw_ufw_versions); do
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		fw_ufw_v $_fv
		for _fr in "-A $_fc-user-input -i lo -j ACCEPT" "-A $_fc-user-output -o lo -j ACCEPT"; do
			if grep -qxF -- "$_fr" "$_ff" 2>/dev/null; then h_say "$_ff: $_fr"; else h_say "$_ff: missing $_fr"; _frc=1; fi
		done
		if fw_ufw_lines "$_ff" "$_fc-user-input" | grep -Eq -- "-s $_flo(/128)? -j (DROP|REJECT)"; then
			h_say "$_ff: drops $_flo inbound"
		else
			h_say "$_ff: missing a deny rule for $_flo inbound"; _frc=1
		fi
	done
	return $_frc
}

fw_ufw_outbound() {
	_frc=0
	_fp=$(fw_ufw_conf /etc/default/ufw DEFAULT_OUTPUT_POLICY)
	for _fv in $(fw_ufw_versions); do
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		fw_ufw_v $_fv
		if fw_ufw_lines "$_ff" "$_fc-user-output" | grep -qxF -- "-A $_fc-user-output -j ACCEPT"; then
			h_say "$_ff: allows all outbound connections"
		elif [ "$_fp" = accept ]; then
			h_say "/etc/default/ufw: DEFAULT_OUTPUT_POLICY accept"
		else
			h_say "$_ff: no rule allows outbound connections and the output policy is ${_fp:-unset}"; _frc=1
		fi
	done
	return $_frc
}

# fw_xt_ports FILE CHAIN PROTO: the ports ACCEPTed by CHAIN for PROTO in an
# iptables-save style file, separated by spaces.
fw_xt_ports() {
	[ -f "$1" ] || return 0
	awk -v c="$2" -v p="$3" '
		/^\*/ { t = substr($0, 2) }
		t == "filter" && $1 == "-A" && $2 == c && / -j (ACCEPT|ufw6?-user-limit-accept)( |$)/ && $0 ~ (" -p " p " ") {
			for (i = 3; i < NF; i++) if ($i == "--dport" || $i == "--dports") printf "%s ", $(i + 1)
		}' "$1"
}

fw_ufw_open_ports() {
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	_frc=0
	for _fv in $(fw_ufw_versions); do
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		fw_ufw_v $_fv
		for _fpr in tcp udp; do
			[ $_fpr = tcp ] && _fw=$_ft || _fw=$_fu
			[ -n "$_fw" ] || continue
			_fm=$(fw_port_missing "$_fw" "$(fw_xt_ports "$_ff" "$_fc-user-input" $_fpr)")
			if [ -n "$_fm" ]; then
				h_say "$_ff: no allow rule for $_fpr port(s) $(h_flat "$_fm")"; _frc=1
			else
				h_say "$_ff: allows $_fpr $(h_flat "$_fw")"
			fi
		done
	done
	return $_frc
}

fw_ufw_default_deny() {
	_frc=0
	for _fk in INPUT OUTPUT FORWARD; do
		_fp=$(fw_ufw_conf /etc/default/ufw DEFAULT_${_fk}_POLICY)
		h_say "/etc/default/ufw: DEFAULT_${_fk}_POLICY=${_fp:-(unset)}"
		case $_fp in drop | reject) ;; *) _frc=1 ;; esac
	done
	if fw_v6; then
		_fp=$(fw_ufw_conf /etc/default/ufw IPV6)
		h_say "/etc/default/ufw: IPV6=${_fp:-(unset)}"
		[ "$_fp" = yes ] || _frc=1
	fi
	return $_frc
}

fw_ufw_rules_ok() {
	fw_ufw_loopback && fw_ufw_outbound && fw_ufw_open_ports && fw_ufw_default_deny
}

# fw_ufw_rule TUPLE RULE: one rule in ufw's own user.rules format.
fw_ufw_rule() { printf '### tuple ### %s\n%s\n\n' "$1" "$2"; }

# fw_ufw_write: regenerate user.rules and user6.rules from the parameters,
# in ufw's own format (the ufw command keeps working on them), and set the
# default policies.
fw_ufw_write() {
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	for _fv in 4 6; do
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		fw_ufw_v $_fv
		[ -f "$_ff" ] && ! [ -f "$_ff.pre-hardening" ] && cp -p "$_ff" "$_ff.pre-hardening"
		{
			printf '*filter\n'
			for _fn in user-input user-output user-forward before-logging-input before-logging-output \
				before-logging-forward user-logging-input user-logging-output user-logging-forward \
				after-logging-input after-logging-output after-logging-forward logging-deny logging-allow \
				user-limit user-limit-accept; do
				printf ':%s-%s - [0:0]\n' $_fc $_fn
			done
			printf '### RULES ###\n\n'
			fw_ufw_rule "allow any any $_fa any $_fa in_lo" "-A $_fc-user-input -i lo -j ACCEPT"
			fw_ufw_rule "allow any any $_fa any $_fa out_lo" "-A $_fc-user-output -o lo -j ACCEPT"
			fw_ufw_rule "deny any any $_fa any $_flo in" "-A $_fc-user-input -s $_flo -j DROP"
			for _fpr in tcp udp; do
				[ $_fpr = tcp ] && _fw=$_ft || _fw=$_fu
				for _fp in $_fw; do
					case $_fp in
					*:*) fw_ufw_rule "allow $_fpr $_fp $_fa any $_fa in" "-A $_fc-user-input -p $_fpr -m multiport --dports $_fp -j ACCEPT" ;;
					*) fw_ufw_rule "allow $_fpr $_fp $_fa any $_fa in" "-A $_fc-user-input -p $_fpr --dport $_fp -j ACCEPT" ;;
					esac
				done
			done
			fw_ufw_rule "allow any any $_fa any $_fa out" "-A $_fc-user-output -j ACCEPT"
			printf '### END RULES ###\n\n### LOGGING ###\n'
			printf -- '-A %s-after-logging-input -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10\n' $_fc
			printf -- '-A %s-after-logging-forward -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10\n' $_fc
			printf -- '-I %s-logging-deny -m conntrack --ctstate INVALID -j RETURN -m limit --limit 3/min --limit-burst 10\n' $_fc
			printf -- '-A %s-logging-deny -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10\n' $_fc
			printf -- '-A %s-logging-allow -j LOG --log-prefix "[UFW ALLOW] " -m limit --limit 3/min --limit-burst 10\n' $_fc
			printf '### END LOGGING ###\n\n### RATE LIMITING ###\n'
			printf -- '-A %s-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "\n' $_fc
			printf -- '-A %s-user-limit -j REJECT\n-A %s-user-limit-accept -j ACCEPT\n' $_fc $_fc
			printf '### END RATE LIMITING ###\nCOMMIT\n'
		} >"$_ff.tmp"
		chmod 0640 "$_ff.tmp" && mv "$_ff.tmp" "$_ff"
		h_say "wrote $_ff"
	done
	for _fk in INPUT OUTPUT FORWARD; do kv_set /etc/default/ufw DEFAULT_${_fk}_POLICY '"DROP"' =; done
	fw_v6 && kv_set /etc/default/ufw IPV6 yes =
	return 0
}

# fw_ufw_apply: rewrite the rules when any part is not compliant, then
# enable ufw for boot. Never runs ufw enable or loads anything.
fw_ufw_apply() {
	fw_ufw_installed || { h_say 'ufw is not installed (fw_ufw_installed installs it)'; return 1; }
	fw_ufw_rules_ok >/dev/null 2>&1 || fw_ufw_write
	fw_ufw_rules_ok >/dev/null 2>&1 || { h_say 'the rewritten ufw rules still do not pass'; return 1; }
	kv_set /etc/ufw/ufw.conf ENABLED yes =
	svc_enabled ufw.service >/dev/null || svc_enable ufw.service
}

# ---- nftables
# fw_nft_cat FILE DEPTH: FILE with its include statements expanded.
fw_nft_cat() {
	[ "$2" -lt 5 ] && [ -f "$1" ] || return 0
	while IFS= read -r _fl || [ -n "$_fl" ]; do
		case $_fl in
		*include*\"*\"*)
			_fi=${_fl#*\"}
			_fi=${_fi%%\"*}
			case $_fi in /*) ;; *) _fi=/etc/$_fi ;; esac
			for _fn in $_fi; do fw_nft_cat "$_fn" $(($2 + 1)); done
			;;
		*) printf '%s\n' "$_fl" ;;
		esac
	done <"$1"
}

# fw_nft_source: the boot ruleset (/etc/nftables.conf and its includes),
# or with FW_LIVE=1 the running kernel's.
fw_nft_source() {
	if [ "${FW_LIVE:-0}" = 1 ]; then
		nft -s list ruleset 2>/dev/null
	else
		fw_nft_cat /etc/nftables.conf 0
	fi
}

# fw_nft_rules: the boot ruleset as "table|hook|statement" lines, one for
# each statement of each chain (hook "-" for a regular chain) and a
# "table||" line for each table.
fw_nft_rules() {
	fw_nft_source | sed -e 's/#.*$//' -e 's/[{};]/ & /g' -e 's/$/ ; /' | tr -s '[:blank:]' '\n' | awk '
		function add() { if (st != "") buf[++nb] = st; st = "" }
		function emit(   i, h, w) {
			h = "-"
			for (i = 1; i <= nb; i++) if (buf[i] ~ /^type [a-z]+ hook [a-z]+/) { split(buf[i], w, " "); h = w[4] }
			for (i = 1; i <= nb; i++) print tb "|" h "|" buf[i]
			nb = 0
		}
		$0 == "" { next }
		d == 0 { if ($0 == "table") { d = -1; tb = "" } next }
		d == -1 { if ($0 == "{") { d = 1; print tb "||" } else tb = tb (tb == "" ? "" : " ") $0; next }
		hdr { if ($0 == "{") { hdr = 0; inch = 1; d = 2; nb = 0; st = "" } next }
		d == 1 && $0 == "chain" { hdr = 1; next }
		inch && d == 2 && $0 == ";" { add(); next }
		inch && d == 2 && $0 == "}" { add(); emit(); inch = 0; d = 1; next }
		inch { if ($0 == "{") d++; if ($0 == "}") d--; if ($0 != ";") st = st (st == "" ? "" : " ") $0; next }
		$0 == "{" { d++; next }
		$0 == "}" { d--; next }'
}

# fw_nft_hook HOOK: the statements of the filter base chains on HOOK.
fw_nft_hook() { fw_nft_rules | awk -F'|' -v h="$1" '$2 == h { print $3 }'; }

fw_nft_table() {
	[ -f /etc/nftables.conf ] || { h_say '/etc/nftables.conf does not exist'; return 1; }
	_fr=$(fw_nft_rules | awk -F'|' '$2 == "" { print "table " $1 }')
	[ -n "$_fr" ] || { h_say 'no table in /etc/nftables.conf or its includes'; return 1; }
	h_say "$_fr"
}

fw_nft_base_chains() {
	_frc=0
	for _fh in input forward output; do
		if fw_nft_hook $_fh | grep -q "^type filter hook $_fh "; then
			h_say "filter chain on hook $_fh: yes"
		else
			h_say "filter chain on hook $_fh: missing"; _frc=1
		fi
	done
	return $_frc
}

fw_nft_loopback() {
	_fr=$(fw_nft_hook input)
	_frc=0
	if printf '%s\n' "$_fr" | grep -Eq '^iif(name)? "?lo"? (counter )?accept$'; then h_say 'input accepts iif lo'; else h_say 'input: no iif lo accept'; _frc=1; fi
	if printf '%s\n' "$_fr" | grep -Eq '^ip saddr 127\.0\.0\.0/8( .*)? drop$'; then h_say 'input drops ip saddr 127.0.0.0/8'; else h_say 'input: no drop for ip saddr 127.0.0.0/8'; _frc=1; fi
	if fw_v6; then
		if printf '%s\n' "$_fr" | grep -Eq '^ip6 saddr ::1( .*)? drop$'; then h_say 'input drops ip6 saddr ::1'; else h_say 'input: no drop for ip6 saddr ::1'; _frc=1; fi
	fi
	return $_frc
}

# fw_nft_dports PROTO: ports the input chains accept for PROTO.
fw_nft_dports() {
	fw_nft_hook input | awk -v p="$1" '
		$NF == "accept" && index($0, p " dport ") {
			s = substr($0, index($0, p " dport ") + length(p) + 7)
			if (substr(s, 1, 1) == "{") { s = substr(s, 2); s = substr(s, 1, index(s, "}") - 1) } else { split(s, w, " "); s = w[1] }
			gsub(/-/, ":", s); printf "%s ", s
		}'
}

fw_nft_connections() {
	_fr=$(fw_nft_hook input)
	_frc=0
	if printf '%s\n' "$_fr" | grep -Eq '^ct state .*established.* accept$'; then h_say 'input accepts established connections'; else h_say 'input: no ct state established accept'; _frc=1; fi
	if fw_nft_hook output | grep -Eq '^(policy accept|ct state .*new.* accept|(counter )?accept)$'; then h_say 'output accepts new connections'; else h_say 'output: new connections are not accepted'; _frc=1; fi
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	for _fpr in tcp udp; do
		[ $_fpr = tcp ] && _fw=$_ft || _fw=$_fu
		[ -n "$_fw" ] || continue
		_fm=$(fw_port_missing "$_fw" "$(fw_nft_dports $_fpr)")
		if [ -n "$_fm" ]; then h_say "input: no accept for $_fpr port(s) $(h_flat "$_fm")"; _frc=1; else h_say "input accepts $_fpr $(h_flat "$_fw")"; fi
	done
	return $_frc
}

fw_nft_default_deny() {
	_frc=0
	for _fh in input forward output; do
		_fp=$(fw_nft_rules | awk -F'|' -v h=$_fh '$2 == h && $3 ~ /^type filter hook/ { c[$1]++ } $2 == h && $3 ~ /^policy / { p[$1] = $3 }
			END { for (t in c) print t ": " (t in p ? p[t] : "policy accept (default)") }')
		h_say "hook $_fh: ${_fp:-no filter chain}"
		[ -n "$_fp" ] && ! printf '%s\n' "$_fp" | grep -qv 'policy drop$' || _frc=1
	done
	return $_frc
}

# fw_nft_unit_conf: the file nftables.service loads (last ExecStart).
fw_nft_unit_conf() {
	for _fuf in /lib/systemd/system/nftables.service /usr/lib/systemd/system/nftables.service \
		/etc/systemd/system/nftables.service /etc/systemd/system/nftables.service.d/*.conf; do
		[ -f "$_fuf" ] && grep -E '^[[:space:]]*ExecStart=.*-f' "$_fuf"
	done | tail -n 1 | sed -e 's/.* -f[[:space:]]*//' -e 's/[[:space:]].*//'
}

fw_nft_permanent() {
	_fc=$(fw_nft_unit_conf)
	h_say "nftables.service loads: ${_fc:-(no nftables.service)}"
	[ "$_fc" = /etc/nftables.conf ] || return 1
	fw_nft_base_chains
}

fw_nft_rules_ok() {
	fw_nft_table && fw_nft_base_chains && fw_nft_loopback && fw_nft_connections && fw_nft_default_deny && fw_nft_permanent
}

# fw_nft_write: regenerate /etc/nftables.conf from the parameters.
fw_nft_write() {
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	_ft=$(h_flat "$_ft" | tr ': ' '-,' | sed 's/,/, /g')
	_fu=$(h_flat "$_fu" | tr ': ' '-,' | sed 's/,/, /g')
	_ff=/etc/nftables.conf
	[ -f $_ff ] && ! [ -f $_ff.pre-hardening ] && cp -p $_ff $_ff.pre-hardening
	{
		cat <<'EOF'
#!/usr/sbin/nft -f
# Written by packer-plugin-hardening from the firewall_* parameters and
# loaded at boot by nftables.service. Default deny; loopback, established
# traffic, new outbound connections, neighbour discovery, DHCPv6 replies and
# the allowed inbound ports are accepted.
flush ruleset

table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		iif "lo" accept
		ip saddr 127.0.0.0/8 counter drop
		ip6 saddr ::1 counter drop
		ct state established,related accept
		icmp type echo-request accept
		icmpv6 type { echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-query } accept
		ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept
EOF
		[ -n "$_ft" ] && printf '\t\ttcp dport { %s } accept\n' "$_ft"
		[ -n "$_fu" ] && printf '\t\tudp dport { %s } accept\n' "$_fu"
		cat <<'EOF'
	}

	chain forward {
		type filter hook forward priority 0; policy drop;
	}

	chain output {
		type filter hook output priority 0; policy drop;
		oif "lo" accept
		ct state established,related,new accept
		meta l4proto { icmp, icmpv6 } accept
	}
}
EOF
	} >$_ff.tmp
	chmod 0755 $_ff.tmp && mv $_ff.tmp $_ff
	h_say "wrote $_ff (inbound tcp: ${_ft:-none}; udp: ${_fu:-none})"
}

# fw_nft_apply: rewrite the ruleset when any part is not compliant, then
# enable nftables.service for boot. Never runs nft -f.
fw_nft_apply() {
	pkg_installed nftables >/dev/null || { h_say 'nftables is not installed (fw_nft_installed installs it)'; return 1; }
	fw_nft_rules_ok >/dev/null 2>&1 || fw_nft_write
	fw_nft_rules_ok >/dev/null 2>&1 || { h_say 'the rewritten ruleset still does not pass'; return 1; }
	svc_enabled nftables.service >/dev/null || svc_enable nftables.service
}

# ---- iptables (iptables-persistent)
fw_ipt_file() { [ "$1" = 4 ] && echo /etc/iptables/rules.v4 || echo /etc/iptables/rules.v6; }

# fw_ipt_lines V: the filter table of the rules file of IP version V.
fw_ipt_lines() {
	if [ "${FW_LIVE:-0}" = 1 ]; then
		if [ "$1" = 4 ]; then iptables-save -t filter 2>/dev/null; else ip6tables-save -t filter 2>/dev/null; fi
		return 0
	fi
	_ff=$(fw_ipt_file "$1")
	[ -f "$_ff" ] || { h_say "$_ff does not exist" >&2; return 0; }
	awk '/^\*/ { t = substr($0, 2) } t == "filter"' "$_ff"
}

fw_ipt_default_deny() {
	_fr=$(fw_ipt_lines "$1")
	_frc=0
	for _fk in INPUT FORWARD OUTPUT; do
		_fp=$(printf '%s\n' "$_fr" | awk -v k=":$_fk" '$1 == k { print $2 }')
		h_say "$(fw_ipt_file "$1"): $_fk policy ${_fp:-(unset)}"
		[ "$_fp" = DROP ] || _frc=1
	done
	return $_frc
}

fw_ipt_loopback() {
	_fr=$(fw_ipt_lines "$1")
	[ "$1" = 4 ] && _flo='127\.0\.0\.0/8' || _flo='::1(/128)?'
	_frc=0
	for _fe in '^-A INPUT -i lo( -m comment .*)? -j ACCEPT$' '^-A OUTPUT -o lo( -m comment .*)? -j ACCEPT$' "^-A INPUT -s $_flo( .*)? -j DROP\$"; do
		if printf '%s\n' "$_fr" | grep -Eq -- "$_fe"; then h_say "found $_fe"; else h_say "missing $_fe"; _frc=1; fi
	done
	return $_frc
}

fw_ipt_connections() {
	_fr=$(fw_ipt_lines "$1")
	_frc=0
	if printf '%s\n' "$_fr" | grep -Eq -- '^-A INPUT .*--(ct)?state ([A-Z,]*,)?ESTABLISHED.* -j ACCEPT'; then h_say 'INPUT accepts established connections'; else h_say 'INPUT: no ESTABLISHED accept'; _frc=1; fi
	if printf '%s\n' "$_fr" | grep -Eq -- '^(-A OUTPUT .*--(ct)?state ([A-Z,]*,)?NEW.* -j ACCEPT|-A OUTPUT -j ACCEPT|:OUTPUT ACCEPT .*)$'; then h_say 'OUTPUT accepts new connections'; else h_say 'OUTPUT: new connections are not accepted'; _frc=1; fi
	return $_frc
}

fw_ipt_open_ports() {
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	_ff=$(fw_ipt_file "$1")
	_frc=0
	for _fpr in tcp udp; do
		[ $_fpr = tcp ] && _fw=$_ft || _fw=$_fu
		[ -n "$_fw" ] || continue
		_fm=$(fw_port_missing "$_fw" "$(fw_xt_ports "$_ff" INPUT $_fpr)")
		if [ -n "$_fm" ]; then h_say "$_ff: no INPUT accept for $_fpr port(s) $(h_flat "$_fm")"; _frc=1; else h_say "$_ff: INPUT accepts $_fpr $(h_flat "$_fw")"; fi
	done
	return $_frc
}

fw_ipt_rules_ok() {
	for _fv in 4 6; do
		fw_ipt_default_deny $_fv && fw_ipt_loopback $_fv && fw_ipt_connections $_fv && fw_ipt_open_ports $_fv || return 1
	done
}

# fw_ipt_write: regenerate /etc/iptables/rules.v4 and rules.v6 from the
# parameters, in iptables-save format. No backup is kept: right after the
# package install these files hold what iptables-persistent saved from the
# running kernel, which in a chroot is the build host's.
fw_ipt_write() {
	_ft=$(fw_ports tcp) && _fu=$(fw_ports udp) || return 1
	mkdir -p /etc/iptables
	for _fv in 4 6; do
		_ff=$(fw_ipt_file $_fv)
		{
			printf '# Written by packer-plugin-hardening from the firewall_* parameters;\n'
			printf '# loaded at boot by netfilter-persistent.\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n'
			printf -- '-A INPUT -i lo -j ACCEPT\n'
			if [ $_fv = 4 ]; then
				printf -- '-A INPUT -s 127.0.0.0/8 -j DROP\n'
				printf -- '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n'
				printf -- '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n'
			else
				printf -- '-A INPUT -s ::1/128 -j DROP\n'
				printf -- '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n'
				for _fn in 128 130 134 135 136; do printf -- '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type %s -j ACCEPT\n' $_fn; done
				printf -- '-A INPUT -s fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT\n'
			fi
			for _fpr in tcp udp; do
				[ $_fpr = tcp ] && _fw=$_ft || _fw=$_fu
				for _fp in $_fw; do printf -- '-A INPUT -p %s -m %s --dport %s -j ACCEPT\n' "$_fpr" "$_fpr" "$_fp"; done
			done
			printf -- '-A OUTPUT -o lo -j ACCEPT\n'
			printf -- '-A OUTPUT -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\n'
			[ $_fv = 4 ] && printf -- '-A OUTPUT -p icmp -j ACCEPT\n' || printf -- '-A OUTPUT -p ipv6-icmp -j ACCEPT\n'
			printf 'COMMIT\n'
		} >"$_ff.tmp"
		chmod 0640 "$_ff.tmp" && mv "$_ff.tmp" "$_ff"
		h_say "wrote $_ff"
	done
}

# fw_ipt_apply: rewrite the rules when any part is not compliant, then
# enable netfilter-persistent for boot. Never runs iptables-restore.
fw_ipt_apply() {
	pkg_installed iptables-persistent >/dev/null || { h_say 'iptables-persistent is not installed (fw_ipt_installed installs it)'; return 1; }
	fw_ipt_rules_ok >/dev/null 2>&1 || fw_ipt_write
	fw_ipt_rules_ok >/dev/null 2>&1 || { h_say 'the rewritten rules still do not pass'; return 1; }
	svc_enabled netfilter-persistent.service >/dev/null || svc_enable netfilter-persistent.service
}

fw_ipt_nft_check() {
	if [ "$H_BENCH" = ubuntu2204 ]; then pkg_absent nftables; return; fi
	fw_pkg_ok nftables || { h_say 'nftables is not installed'; return 0; }
	svc_not_enabled nftables.service
}

# ---- one firewall
# fw_pkg_ok PKG: PKG is installed (not just its configuration files left).
fw_pkg_ok() { plat_pkg_is_installed "$1"; }

# fw_nfp_off_check: netfilter-persistent will not restore rules at boot.
fw_nfp_off_check() {
	fw_pkg_ok netfilter-persistent || { h_say 'netfilter-persistent is not installed'; return 0; }
	svc_not_enabled netfilter-persistent.service
}

fw_in_use() {
	case $1 in
	ufw) fw_ufw_in_use ;;
	nftables) fw_pkg_ok nftables && svc_enabled nftables.service >/dev/null ;;
	iptables) fw_pkg_ok netfilter-persistent && svc_enabled netfilter-persistent.service >/dev/null ;;
	esac
}

fw_single_check() {
	_fk=$(fw_kind)
	h_say "chosen firewall: $_fk"
	_frc=0
	for _fx in ufw nftables iptables; do
		if fw_in_use $_fx; then _fs='starts at boot'; else _fs='does not start at boot'; fi
		h_say "$_fx $_fs"
		if [ $_fx = "$_fk" ]; then [ "$_fs" = 'starts at boot' ] || _frc=1; else [ "$_fs" = 'does not start at boot' ] || _frc=1; fi
	done
	return $_frc
}

# fw_others_off: disable the firewalls that were not chosen, for boot.
fw_others_off() {
	_fk=$(fw_kind)
	[ "$_fk" = ufw ] || fw_ufw_off
	[ "$_fk" = nftables ] || ! fw_pkg_ok nftables || svc_mask nftables.service
	[ "$_fk" = iptables ] || ! fw_pkg_ok netfilter-persistent || svc_mask netfilter-persistent.service
}

fw_apply() {
	case $(fw_kind) in
	ufw) fw_ufw_apply ;;
	nftables) fw_nft_apply ;;
	iptables) fw_ipt_apply ;;
	esac
}

# ---- running system (after-boot audit)
# fw_rt CHECK [ARG...]: CHECK judged on the rules loaded in the running
# kernel instead of the files that load them at boot.
fw_rt() {
	(
		FW_LIVE=1
		h_say "running ruleset:"
		"$@"
	)
}

# fw_rt_ufw: ufw is active in the running system.
fw_rt_ufw() {
	rt_active ufw.service || return 1
	_fs=$(ufw status 2>&1 | head -n 1)
	h_say "running: ufw status: $_fs"
	[ "$_fs" = 'Status: active' ]
}

# fw_rt_iptables_empty: no iptables rule is loaded (only the built-in
# chains with policy ACCEPT), as when nftables alone filters.
fw_rt_iptables_empty() {
	h_has iptables-save || { h_say 'running: iptables is not installed'; return 0; }
	_fn=$(iptables-save 2>/dev/null | grep -c '^-A')
	h_say "running: $_fn iptables rules loaded"
	[ "$_fn" = 0 ]
}

# fw_rt_single: only the chosen firewall's service is active.
fw_rt_single() {
	_fk=$(fw_kind)
	_frc=0
	for _fu in ufw.service nftables.service netfilter-persistent.service; do
		_fs=$(plat_svc_active "$_fu")
		h_say "running: $_fu is ${_fs:-unknown}"
		case $_fk:$_fu in ufw:ufw.service | nftables:nftables.service | iptables:netfilter-persistent.service)
			[ "$_fs" = active ] || _frc=1 ;;
		*) [ "$_fs" != active ] || _frc=1 ;;
		esac
	done
	return $_frc
}
