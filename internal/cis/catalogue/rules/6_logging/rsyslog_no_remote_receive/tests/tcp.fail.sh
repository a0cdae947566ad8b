printf 'module(load="imtcp")\ninput(type="imtcp" port="514")\n' >/etc/rsyslog.d/50-test.conf
