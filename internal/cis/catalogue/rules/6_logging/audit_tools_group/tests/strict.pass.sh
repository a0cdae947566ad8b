for _t in auditctl aureport ausearch autrace auditd augenrules; do
	[ -e "/sbin/$_t" ] && chown root:root "/sbin/$_t" && chmod 0750 "/sbin/$_t"
done
