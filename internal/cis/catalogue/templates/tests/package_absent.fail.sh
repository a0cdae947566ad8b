# The package is installed (the test installs it in a layer); the
# remediation purges it.
rt_packages $V_packages
