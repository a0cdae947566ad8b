for _t in auditctl aureport ausearch autrace auditd augenrules; do
	printf '/usr/sbin/%s p+i+n+u+g+s+b+acl+xattrs+sha512\n' "$_t"
done >/etc/aide/aide.conf.d/50_test_audit_tools
