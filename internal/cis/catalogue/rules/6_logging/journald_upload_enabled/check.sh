log_upload_url >/dev/null || { h_say 'no upload URL configured (parameter journald_upload_url): nothing to upload to; enabling the service would only fail at boot'; return 3; }
svc_enabled systemd-journal-upload.service
