P_journald_upload_url=https://logs.example.com:19532
plat_svc_disable systemd-journal-upload.service
