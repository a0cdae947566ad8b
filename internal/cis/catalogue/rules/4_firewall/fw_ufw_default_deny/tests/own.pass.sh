for _k in INPUT OUTPUT FORWARD; do kv_set /etc/default/ufw "DEFAULT_${_k}_POLICY" '"REJECT"' = >/dev/null; done
kv_set /etc/default/ufw IPV6 yes = >/dev/null
