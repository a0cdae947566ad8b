audit_tools mode fix
