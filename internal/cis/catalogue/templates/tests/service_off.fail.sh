# The service's first package is installed and nothing needs it.
rt_packages "${V_packages%% *}"
