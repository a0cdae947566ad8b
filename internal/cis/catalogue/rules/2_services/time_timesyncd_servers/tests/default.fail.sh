# Debian's timesyncd.conf has its servers commented out.
! grep -q '^NTP=.' /etc/systemd/timesyncd.conf
