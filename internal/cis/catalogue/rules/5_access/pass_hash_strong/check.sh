_v=$(kv_value /etc/login.defs ENCRYPT_METHOD); h_say "ENCRYPT_METHOD ${_v:-unset}"
case $_v in SHA512 | YESCRYPT) ;; *) return 1 ;; esac
# chpasswd and newusers (login.defs) should hash like passwd (pam_unix): on a
# yescrypt PAM stack, with a shadow that knows YESCRYPT (its login.defs
# documents it), SHA512 here is the weaker of the two.
[ "$_v" = SHA512 ] && grep -Eqs '^[^#]*password.*pam_unix\.so.*[[:space:]]yescrypt([[:space:]]|$)' /etc/pam.d/common-password &&
	grep -q YESCRYPT /etc/login.defs && { h_say 'pam_unix hashes with yescrypt'; return 1; }
return 0
