audit_conf_set space_left_action "$P_audit_space_left_action"
audit_conf_set admin_space_left_action "$P_audit_admin_space_left_action"
[ "$P_audit_space_left_action" != email ] || audit_conf_set action_mail_acct root
