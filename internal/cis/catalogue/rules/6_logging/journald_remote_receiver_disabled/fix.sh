systemctl mask systemd-journal-remote.socket systemd-journal-remote.service
