mkdir -p /etc/systemd/timesyncd.conf.d
printf '[Time]\nNTP=ntp.example.com\n' >/etc/systemd/timesyncd.conf.d/50-test.conf
