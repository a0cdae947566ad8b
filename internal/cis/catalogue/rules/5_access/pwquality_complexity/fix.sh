[ "$(s5_pwq_value minclass)" -ge "$P_pwquality_minclass" ] 2>/dev/null || s5_pwq_set minclass "$P_pwquality_minclass"
[ "$P_pwquality_minclass" = 4 ] || return 0
for _k in dcredit ucredit lcredit ocredit; do
	case $(s5_pwq_value $_k) in -[1-9] | -[1-9][0-9]) ;; *) s5_pwq_set $_k -1 ;; esac
done
