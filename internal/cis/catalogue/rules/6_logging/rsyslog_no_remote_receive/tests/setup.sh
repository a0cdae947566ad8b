# The rule applies when rsyslog is the logger.
P_log_logger=rsyslog
# rsyslog, installed once for the cases of the rsyslog rules.
rt_packages rsyslog
