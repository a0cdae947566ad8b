getent group "$P_su_group" >/dev/null || groupadd "$P_su_group"
grep -Eq "^[[:space:]]*auth[[:space:]]+required[[:space:]]+pam_wheel\.so.*group=$P_su_group" /etc/pam.d/su ||
	if grep -Eq '^[[:space:]]*auth[[:space:]].*pam_rootok\.so' /etc/pam.d/su; then
		# After pam_rootok, so root itself can still su.
		sed -i -E "/^[[:space:]]*auth[[:space:]].*pam_rootok\.so/a auth       required   pam_wheel.so use_uid group=$P_su_group" /etc/pam.d/su
	else
		sed -i "1i auth       required   pam_wheel.so use_uid group=$P_su_group" /etc/pam.d/su
	fi
h_say "su requires membership of $P_su_group"
