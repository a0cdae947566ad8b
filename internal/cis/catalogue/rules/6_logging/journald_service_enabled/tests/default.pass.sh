[ "$(plat_svc_state systemd-journald.service)" = static ]
