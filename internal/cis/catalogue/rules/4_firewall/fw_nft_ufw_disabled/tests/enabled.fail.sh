kv_set /etc/ufw/ufw.conf ENABLED yes = >/dev/null
plat_svc_enable ufw.service
