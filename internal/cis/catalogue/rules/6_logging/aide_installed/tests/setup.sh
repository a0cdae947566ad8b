# AIDE, installed once for the cases of the AIDE rules.
rt_packages aide aide-common
