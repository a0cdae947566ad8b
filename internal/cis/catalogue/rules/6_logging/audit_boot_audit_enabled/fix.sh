audit_boot_arg_set audit 1
