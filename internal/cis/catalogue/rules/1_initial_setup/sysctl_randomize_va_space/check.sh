sysctl_is kernel.randomize_va_space 2
