# The rule applies when rsyslog is the logger.
P_log_logger=rsyslog
# rsyslog and logrotate, installed once for the cases.
rt_packages rsyslog logrotate
