# The rule applies when rsyslog is the logger.
P_log_logger=rsyslog
