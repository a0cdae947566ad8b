plat_svc_mask systemd-journal-remote.socket systemd-journal-remote.service
