printf '*.* @@logs.example.com:514\n' >/etc/rsyslog.d/50-test.conf
