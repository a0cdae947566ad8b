_v=$(kv_value /etc/login.defs ENCRYPT_METHOD); h_say "ENCRYPT_METHOD ${_v:-unset}"; case $_v in SHA512 | YESCRYPT) return 0 ;; esac; return 1
