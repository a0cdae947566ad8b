# No remediation: it is reported. An override of systemd's tmpfiles entry
# makes the journal directory world-writable.
printf 'd /var/log/journal 0777 root systemd-journal -\n' >/etc/tmpfiles.d/systemd.conf
