_rc=0
for _s in auth account password session; do
	if grep -Eq '^[^#]*pam_unix\.so' /etc/pam.d/common-$_s 2>/dev/null; then h_say "common-$_s: pam_unix"; else h_say "common-$_s: no pam_unix"; _rc=1; fi
done
return $_rc
