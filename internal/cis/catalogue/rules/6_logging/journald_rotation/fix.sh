for _kv in $P_journald_rotation; do log_jd_set "${_kv%%=*}" "${_kv#*=}"; done
