P_rsyslog_remote=logs.example.com:6514
