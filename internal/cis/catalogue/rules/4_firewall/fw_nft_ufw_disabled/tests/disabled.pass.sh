kv_set /etc/ufw/ufw.conf ENABLED no = >/dev/null
plat_svc_disable ufw.service
