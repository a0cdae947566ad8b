printf 'install cfg80211 /bin/false\nblacklist cfg80211\n' >/etc/modprobe.d/50-test.conf
