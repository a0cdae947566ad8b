svc_enable systemd-journal-upload.service
