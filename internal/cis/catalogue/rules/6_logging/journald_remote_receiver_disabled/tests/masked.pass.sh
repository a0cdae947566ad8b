ln -s /dev/null /etc/systemd/system/systemd-journal-remote.socket
ln -s /dev/null /etc/systemd/system/systemd-journal-remote.service
