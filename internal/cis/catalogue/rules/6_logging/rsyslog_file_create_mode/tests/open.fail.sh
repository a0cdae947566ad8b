# shellcheck disable=SC2016 # rsyslog's $FileCreateMode directive
sed -i 's/^\$FileCreateMode.*/$FileCreateMode 0644/' /etc/rsyslog.conf
printf '*.* action(type="omfile" file="/var/log/rt.log" fileCreateMode="0666")\n' >/etc/rsyslog.d/50-test.conf
