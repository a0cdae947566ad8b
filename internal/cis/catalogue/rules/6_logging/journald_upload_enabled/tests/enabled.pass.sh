printf '[Upload]\nURL=https://logs.example.com:19532\n' >/etc/systemd/journal-upload.conf
plat_svc_enable systemd-journal-upload.service
