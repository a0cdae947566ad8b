[ "$(plat_svc_state systemd-timesyncd.service)" = enabled ]
