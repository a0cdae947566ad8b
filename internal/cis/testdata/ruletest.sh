# ruletest.sh is the shell half of the per-rule tests (TestRulesInChroot in
# ruletest_linux_test.go). The test runs it in a chroot of the cloud-like
# rootfs after the whole catalogue's library, then defines the case as
# rt_prepare and calls rt_case or, for a package layer, rt_layer. It reports
# through RT_<STEP> <status> lines on standard output; TestShellcheck lints
# it together with the library and every case.

# ---- what cases may call ---------------------------------------------------

# rt_needs_network: the case installs packages; without the network it is
# skipped (exit from the case's shell, RT_SKIP on the report stream).
rt_needs_network() {
	[ "$RT_NETWORK" = 1 ] || {
		echo 'RT_SKIP network' >&3
		exit 0
	}
}

# rt_packages PKG...: the case needs PKG installed. With the network, the
# test installed them in a layer below the case's overlay (rt_layer, from
# the words of this line: names, $V_var or "${V_var%% *}"); here it only
# checks. Without it, a case that needs more than the rootfs has is skipped.
rt_packages() {
	for _p; do
		plat_pkg_is_installed "$_p" && continue
		rt_needs_network
		echo "rt_packages: $_p is not installed"
		return 1
	done
}

# rt_pwhistory_profile OPTIONS: a pam-auth-update profile of the
# administrator's own that enables pam_pwhistory with OPTIONS.
rt_pwhistory_profile() {
	cat >/usr/share/pam-configs/rt-pwhistory <<END
Name: pwhistory (test)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so $1
END
	plat_pam_enable rt-pwhistory
}

# ---- what the test calls ---------------------------------------------------

# rt_env: what h_main sets up before the rules run, in a chroot without a
# cloud.
rt_env() {
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
	export PATH LC_ALL
	H_WORK=$(mktemp -d) H_RESULTS=/dev/null H_CHROOT=1 H_CLOUD=none
	h_detect_os
}

# rt_layer PKG...: install the packages of a layer shared by several cases.
rt_layer() {
	rt_env
	plat_pkg_lists_fresh || plat_pkg_refresh
	plat_pkg_install "$@"
}

# rt_case RULE FAIL REMEDIABLE: run rt_prepare (in this shell: a case may
# choose parameters, like P_log_logger=journald, and stops at its first
# failing command), then the rule's check; for a fail case of a remediable
# rule, its package step and fix, then the check again.
rt_case() {
	_rt_rule=$1 _rt_fail=$2 _rt_remediable=$3
	rt_env
	h_apply_cloud
	exec 3>&1
	trap 'sed "s/^/prepare: /" "$H_WORK/prep"' EXIT
	set -e
	rt_prepare >"$H_WORK/prep" 2>&1
	set +e
	trap - EXIT
	echo 'RT_PREP 0'
	h_check "$_rt_rule" before
	echo "RT_BEFORE $H_RC"
	sed 's/^/check: /' "$H_WORK/before.$_rt_rule"
	[ "$_rt_fail" = 1 ] && [ "$_rt_remediable" = 1 ] || return 0
	# The package step as h_packages does it, for this rule alone;
	# installing needs the network.
	if h_has "inst_$_rt_rule"; then
		for _p in $("inst_$_rt_rule"); do
			plat_pkg_is_installed "$_p" || rt_needs_network
		done
	fi
	eval "B_$_rt_rule=1 X_$_rt_rule=r"
	H_RULES=$_rt_rule
	h_packages
	if h_has "fix_$_rt_rule"; then
		(
			set -e
			"fix_$_rt_rule"
		) >"$H_WORK/fix" 2>&1
		echo "RT_FIX $?"
		sed 's/^/fix: /' "$H_WORK/fix"
	else
		echo 'RT_FIX 0'
	fi
	h_check "$_rt_rule" after
	echo "RT_AFTER $H_RC"
	sed 's/^/check after: /' "$H_WORK/after.$_rt_rule"
}
