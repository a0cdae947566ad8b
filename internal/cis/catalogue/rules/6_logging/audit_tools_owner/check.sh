audit_tools owner check
