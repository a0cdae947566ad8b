kv_set /etc/exim4/update-exim4.conf.conf dc_local_interfaces "''" = >/dev/null
