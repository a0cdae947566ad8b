pkg_installed libpam-pwquality >/dev/null || { h_say 'libpam-pwquality is not installed'; return 1; }
s5_pwq_cmp minclass ge "$P_pwquality_minclass" || return 1
[ "$P_pwquality_minclass" = 4 ] || return 0
# minclass 4 already requires every class; scanners also want each class's
# credit written (-1 or lower: at least one character of that class).
_crc=0
for _k in dcredit ucredit lcredit ocredit; do
	_c=$(s5_pwq_value $_k)
	case $_c in -[1-9] | -[1-9][0-9]) ;; *) h_say "pwquality $_k = ${_c:-unset}: -1 will be written with minclass 4"; _crc=1 ;; esac
done
return $_crc
